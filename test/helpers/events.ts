/** Builders for real-shaped events, starting from the samples in events/. */
import { randomUUID } from 'node:crypto';
import type { EcrImagePush } from '#core/events/ecr.ts';
import { testAccount, testRegion } from './aws.ts';
import { loadEvent } from './load-event.ts';

export interface PushOptions {
  /** Default: the test file's moto account and Region. */
  account?: string;
  region?: string;
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
    account: options.account ?? testAccount(),
    region: options.region ?? testRegion(),
    time: options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    detail: {
      ...event.detail,
      'repository-name': options.repository,
      'image-tag': options.tag,
      'image-digest': options.digest,
    },
  };
};

export interface DeploymentOptions {
  cluster: string;
  service: string;
  deploymentId: string | undefined;
  /** Default SERVICE_DEPLOYMENT_COMPLETED. */
  eventName?: string;
  /** Event time and `updatedAt`; default now. */
  time?: string;
  reason?: string;
  id?: string;
  /** The account and Region that send the event; default: the test file's. */
  account?: string;
  region?: string;
  /** Where the named service is, when not the sender's own (a forged event). */
  serviceAccount?: string;
  serviceRegion?: string;
}

/** An "ECS Deployment State Change" for a service of the current moto account, from AWS's sample. */
export const deploymentEvent = (options: DeploymentOptions) => {
  const event = loadEvent<{
    id: string;
    account: string;
    region: string;
    time: string;
    resources: string[];
    detail: Record<string, unknown>;
  }>('aws.ecs/deployment-state-change-completed.awsdocs');
  const time = options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const eventName = options.eventName ?? 'SERVICE_DEPLOYMENT_COMPLETED';
  const account = options.account ?? testAccount();
  const region = options.region ?? testRegion();
  Object.assign(event, {
    id: options.id ?? randomUUID(),
    account,
    region,
    time,
    resources: [
      `arn:aws:ecs:${options.serviceRegion ?? region}:${options.serviceAccount ?? account}:service/${options.cluster}/${options.service}`,
    ],
  });
  Object.assign(event.detail, {
    eventName,
    deploymentId: options.deploymentId,
    updatedAt: time,
    reason: options.reason ?? `ECS deployment ${options.deploymentId ?? ''} ${eventName}.`,
  });
  return event;
};
