import { describe, expect, it } from 'vitest';
import { rollWorkerEcsShare } from '#adapters/roll-worker.ts';

describe("a roll worker's share of the ECS budget", () => {
  it('is one over the workers the queue runs at once', () => {
    expect(rollWorkerEcsShare({ DECKHAND_ROLL_CONCURRENCY: '2' })).toBe(0.5);
    expect(rollWorkerEcsShare({ DECKHAND_ROLL_CONCURRENCY: '5' })).toBe(0.2);
  });

  it('is the whole budget when the concurrency is unset or not a positive whole number', () => {
    for (const value of [undefined, '', 'two', '0', '-3'])
      expect(rollWorkerEcsShare({ DECKHAND_ROLL_CONCURRENCY: value }), String(value)).toBe(1);
    expect(rollWorkerEcsShare({ DECKHAND_ROLL_CONCURRENCY: '2.7' })).toBe(0.5);
  });
});
