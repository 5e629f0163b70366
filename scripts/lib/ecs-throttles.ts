/**
 * ECS's server-side API throttling, as documented, in one table: per action, a token bucket of `burst`
 * tokens (the bucket's maximum capacity) refilled at `perSecond` tokens a second (the sustained rate),
 * per account and Region. A call that finds the bucket empty is answered with a ThrottlingException.
 *
 * Source: "Request throttling for the Amazon ECS API", Amazon ECS API Reference,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html (table "Throttling quotas";
 * the same figures are the defaults of the "API throttling" quotas on the Service Quotas console). The page's
 * worked example: cluster read actions such as DescribeClusters have a 50-token bucket refilled at 20/s.
 * Only the actions Deckhand calls are listed; the action's group on that page is given with each.
 */
import { Buffer } from 'node:buffer';

export interface EcsBucket {
  /** Bucket maximum capacity: calls allowed at once. */
  readonly burst: number;
  /** Bucket refill rate: sustained calls a second. */
  readonly perSecond: number;
  /** The group of actions sharing these figures on the AWS page. */
  readonly group: string;
}

export const ecsThrottleSource =
  'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';

export const ecsApiThrottles = {
  DescribeClusters: { burst: 50, perSecond: 20, group: 'cluster read actions' },
  ListClusters: { burst: 50, perSecond: 20, group: 'cluster read actions' },
  DescribeServices: { burst: 100, perSecond: 20, group: 'service read actions' },
  ListServices: { burst: 100, perSecond: 20, group: 'service read actions' },
  UpdateService: { burst: 50, perSecond: 5, group: 'service modify actions' },
  DescribeTaskDefinition: { burst: 50, perSecond: 20, group: 'task definition read actions' },
  ListTaskDefinitions: { burst: 50, perSecond: 20, group: 'task definition read actions' },
  RegisterTaskDefinition: { burst: 20, perSecond: 1, group: 'task definition modify actions' },
  DeregisterTaskDefinition: { burst: 20, perSecond: 1, group: 'task definition modify actions' },
} as const satisfies Record<string, EcsBucket>;

export type EcsAction = keyof typeof ecsApiThrottles;

/** The table as the counting proxy takes it: operation → [burst, per second], scaled (1 = documented). */
export const ecsServerThrottles = (scale = 1): Record<string, readonly [number, number]> =>
  Object.fromEntries(
    Object.entries(ecsApiThrottles).map(([action, { burst, perSecond }]) => [
      action,
      [burst * scale, perSecond * scale] as const,
    ]),
  );

/**
 * Least time, in seconds, in which `calls` calls of an action can all pass its bucket, starting full: the
 * burst at once, the rest at the refill rate.
 */
export const secondsToPass = (calls: number, { burst, perSecond }: Pick<EcsBucket, 'burst' | 'perSecond'>) =>
  Math.max(0, calls - burst) / perSecond;

/**
 * The throttle-bound minimum of a workload: buckets are independent, so it is the slowest action's time.
 * (Ordering between actions, e.g. a family registered before its services are updated, only adds to it
 * when one action's tail is long; this is the floor no client can beat.)
 */
export const throttleBoundSeconds = (calls: Partial<Record<EcsAction, number>>): number =>
  Math.max(
    0,
    ...Object.entries(calls).map(([action, n]) =>
      secondsToPass(n ?? 0, ecsApiThrottles[action as EcsAction]),
    ),
  );

/**
 * ECS's answer to a throttled call (awsJson1_1 protocol): HTTP 400, the error type in `__type` and in
 * `x-amzn-ErrorType`, the message "Rate exceeded", as quoted on the page above ("Status Code: 400; Error
 * Code: ThrottlingException ... Rate exceeded").
 */
export const ecsThrottlingResponse = (requestId: string) => {
  const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  return {
    status: 400,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(body)),
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': 'ThrottlingException',
    },
    body,
  };
};
