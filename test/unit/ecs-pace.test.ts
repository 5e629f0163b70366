/**
 * The ECS adapter's client-side pace: each action's burst less the refill ECS banks while a burst is in
 * flight (never more than a tenth of it), at the documented rate, scaled to the caller's share.
 */
import { describe, expect, it } from 'vitest';
import { clientPace, ecsThrottles } from '#adapters/ecs.ts';
import { TokenBucket } from '#core/concurrency.ts';
import { fakeTime } from '../helpers/fake-time.ts';

/** When each of `calls` calls is let through by the client-side bucket for `throttle` at `share`. */
const grants = async (throttle: readonly [number, number], calls: number, share = 1) => {
  const time = fakeTime();
  const bucket = new TokenBucket(...clientPace(throttle, share), time.now, time.sleep);
  const at: number[] = [];
  for (let call = 0; call < calls; call += 1) {
    await bucket.take();
    at.push(time.now());
  }
  return at;
};

describe("the ECS adapter's pace", () => {
  it('lets a 25-family push register 19 at once, the 20th half a second later, then 1/s', async () => {
    const at = await grants(ecsThrottles.registerTaskDefinition, 25);
    expect(at.filter((ms) => ms === 0)).toHaveLength(19);
    expect(at.slice(19)).toEqual([500, 1500, 2500, 3500, 4500, 5500]);
  });

  it('keeps back what refills in half a second, at most a tenth of the burst, never the whole burst', async () => {
    const atOnce = async (throttle: readonly [number, number]) =>
      (await grants(throttle, throttle[0])).filter((ms) => ms === 0).length;
    expect(await atOnce(ecsThrottles.updateService)).toBe(47);
    expect(await atOnce(ecsThrottles.describeServices)).toBe(90);
    expect(await atOnce(ecsThrottles.describeTaskDefinition)).toBe(45);
    expect(await atOnce(ecsThrottles.deregisterTaskDefinition)).toBe(19);
  });

  it('scales burst and rate to the share, so workers together stay inside the bucket', () => {
    const [burst, rate] = ecsThrottles.updateService;
    const [quarterBurst, quarterRate] = clientPace(ecsThrottles.updateService, 0.25);
    expect(quarterRate).toBe(rate / 4);
    expect(4 * quarterBurst).toBeLessThan(burst);
    expect(4 * quarterBurst).toBeGreaterThanOrEqual(Math.floor(burst * 0.9));
  });

  it('still lets one call through at a share smaller than a token', async () => {
    expect(await grants(ecsThrottles.registerTaskDefinition, 2, 0.01)).toEqual([0, 100_000]);
  });
});
