/** Time, as a port, so tests can hold it still and a lease or a bake window is decided by one clock. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
};
