import { describe, expect, it } from 'vitest';
import { mapWithConcurrency, TokenBucket } from '#core/concurrency.ts';
import { fakeTime } from '../helpers/fake-time.ts';

describe('TokenBucket', () => {
  it('lets the burst through at once, then paces at the sustained rate (RegisterTaskDefinition: 20, 1/s)', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(20, 1, time.now, time.sleep);
    const grantedAt: number[] = [];
    for (let call = 0; call < 23; call += 1) {
      await bucket.take();
      grantedAt.push(time.now());
    }
    expect(grantedAt.slice(0, 20).every((at) => at === 0)).toBe(true);
    expect(grantedAt.slice(20)).toEqual([1000, 2000, 3000]);
  });

  it('serves concurrent callers in order, never faster than the rate', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(1, 5, time.now, time.sleep);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async (index) => bucket.take().then(() => order.push(index))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(time.now()).toBe(600);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((done) => setTimeout(done, value));
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
