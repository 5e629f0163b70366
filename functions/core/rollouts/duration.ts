/** Durations as people write them in config: `90s`, `10m`, `1h`, `1h30m`. */
export const durationPattern = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const parseDuration = (text: string): number | undefined => {
  const match = durationPattern.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
};

/** CloudWatch writes `2019-10-02T17:20:48.554+0000`, which Date.parse rejects in strict engines. */
export const parseAwsTime = (text: string): Date | undefined => {
  const normalised = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
};
