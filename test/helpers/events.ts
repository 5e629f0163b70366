/** Builders for real-shaped events, starting from the samples in events/. */
import { randomUUID } from 'node:crypto';
import type { EcrImagePush } from '#core/events/ecr.ts';
import { loadEvent } from './load-event.ts';

export interface PushOptions {
  account: string;
  region: string;
  repository: string;
  tag: string;
  digest: string;
  time?: string;
  id?: string;
}

export const pushEvent = (options: PushOptions): EcrImagePush => {
  const event = loadEvent<EcrImagePush>('aws.ecr/image-action-push-success');
  return {
    ...event,
    id: options.id ?? randomUUID(),
    account: options.account,
    region: options.region,
    time: options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    detail: {
      ...event.detail,
      'repository-name': options.repository,
      'image-tag': options.tag,
      'image-digest': options.digest,
    },
  };
};
