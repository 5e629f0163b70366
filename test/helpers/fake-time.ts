/** A clock whose sleep only moves its time: token buckets and pacers run instantly and deterministically. */
export const fakeTime = () => {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
  };
};
