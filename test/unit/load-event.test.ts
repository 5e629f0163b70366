import { describe, expect, it } from 'vitest';
import { allEventNames, loadEvent } from '../helpers/load-event.ts';

describe('loadEvent', () => {
  it('returns a fresh copy every time', () => {
    const first = loadEvent('aws.ecr/image-action-push-success.awsdocs');
    first.detail['image-tag'] = 'mutated';
    expect(loadEvent('aws.ecr/image-action-push-success.awsdocs').detail['image-tag']).toBe('latest');
  });

  it('finds every sample, each an EventBridge envelope filed under its source', () => {
    const names = allEventNames();
    expect(names.length).toBeGreaterThanOrEqual(19);
    for (const name of names) {
      const event = loadEvent(name);
      expect(name.startsWith(`${event.source}/`), name).toBe(true);
      expect(typeof event.id).toBe('string');
      expect(typeof event['detail-type']).toBe('string');
    }
  });
});
