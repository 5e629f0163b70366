/**
 * A ledger of rollouts with known times, for the DORA report's tests (memory and DynamoDB). The report runs
 * at `reportNow` over `--since 30d`, so the window is 2026-10-25T10:00Z → 2026-11-24T10:00Z.
 */
import type { RolloutRecord } from '#core/ports/records.ts';
import type { RolloutStore } from '#core/ports/stores.ts';

export const reportNow = '2026-11-24T10:00:00.000Z';

export const doraConfig = {
  pipelines: [
    {
      name: 'web-prod',
      repository: 'web',
      tags: 'semver:>=1.0.0',
      targets: [
        { cluster: 'prod', service: 'web' },
        { cluster: 'prod', service: 'worker' },
      ],
    },
    {
      name: 'api-prod',
      repository: 'api',
      tags: 'semver:>=1.0.0',
      targets: [{ cluster: 'prod', service: 'api' }],
    },
    {
      name: 'idle',
      repository: 'idle',
      tags: 'semver:>=1.0.0',
      targets: [{ cluster: 'prod', service: 'idle' }],
    },
  ],
};

interface Seed {
  id: string;
  service: string;
  pipeline?: string;
  pushedAt: string;
  createdAt: string;
  status: RolloutRecord['status'];
  /** Whether UpdateService ran (a `toTaskDefinition`). */
  reached?: boolean;
  completedAt?: string;
  updatedAt?: string;
}

/** Each rollout, with what it should count for (`lead`: push → completed). */
export const doraSeeds: Seed[] = [
  // web-prod on prod/web
  // lead 1h
  {
    id: 'r1',
    service: 'web',
    pushedAt: '2026-11-01T09:00:00Z',
    createdAt: '2026-11-01T09:05:00Z',
    status: 'succeeded',
    completedAt: '2026-11-01T10:00:00Z',
  },
  // failure at 09:30
  {
    id: 'r2',
    service: 'web',
    pushedAt: '2026-11-02T09:00:00Z',
    createdAt: '2026-11-02T09:02:00Z',
    status: 'failed',
    updatedAt: '2026-11-02T09:30:00Z',
  },
  // lead 30m; restores r2's failure after 2h
  {
    id: 'r3',
    service: 'web',
    pushedAt: '2026-11-02T11:00:00Z',
    createdAt: '2026-11-02T11:01:00Z',
    status: 'succeeded',
    completedAt: '2026-11-02T11:30:00Z',
  },
  // ECS refused the update: neither a deployment nor a failure
  {
    id: 'r4',
    service: 'web',
    pushedAt: '2026-11-10T08:00:00Z',
    createdAt: '2026-11-10T08:01:00Z',
    status: 'failed',
    reached: false,
    updatedAt: '2026-11-10T08:01:00Z',
  },
  // before the window: counts for nothing
  {
    id: 'r5',
    service: 'web',
    pushedAt: '2026-10-20T08:00:00Z',
    createdAt: '2026-10-20T08:05:00Z',
    status: 'succeeded',
    completedAt: '2026-10-20T09:00:00Z',
  },
  // another pipeline's failure on the same service: not web-prod's
  {
    id: 'x1',
    service: 'web',
    pipeline: 'retired',
    pushedAt: '2026-11-03T08:00:00Z',
    createdAt: '2026-11-03T08:01:00Z',
    status: 'failed',
    updatedAt: '2026-11-03T08:30:00Z',
  },
  // web-prod on prod/worker
  // lead 20m
  {
    id: 'w1',
    service: 'worker',
    pushedAt: '2026-11-01T09:00:00Z',
    createdAt: '2026-11-01T09:06:00Z',
    status: 'succeeded',
    completedAt: '2026-11-01T09:20:00Z',
  },
  // lead 31m, then rolled back on an alarm at 13:00 (a failure)
  {
    id: 'w2',
    service: 'worker',
    pushedAt: '2026-11-05T12:00:00Z',
    createdAt: '2026-11-05T12:01:00Z',
    status: 'rolled-back',
    completedAt: '2026-11-05T12:31:00Z',
    updatedAt: '2026-11-05T13:00:00Z',
  },
  // rolled back by ECS at 14:40 while still failing since 13:00
  {
    id: 'w3',
    service: 'worker',
    pushedAt: '2026-11-05T14:00:00Z',
    createdAt: '2026-11-05T14:05:00Z',
    status: 'rolled-back',
    updatedAt: '2026-11-05T14:40:00Z',
  },
  // lead 30m; restores since 2026-11-05T13:00 after 21h30m
  {
    id: 'w4',
    service: 'worker',
    pushedAt: '2026-11-06T10:00:00Z',
    createdAt: '2026-11-06T10:01:00Z',
    status: 'succeeded',
    completedAt: '2026-11-06T10:30:00Z',
  },
  // api-prod on prod/api
  // started and failed before the window (10:00 on 2026-10-25)
  {
    id: 'a2',
    service: 'api',
    pipeline: 'api-prod',
    pushedAt: '2026-10-24T10:00:00Z',
    createdAt: '2026-10-24T23:00:00Z',
    status: 'failed',
    updatedAt: '2026-10-25T09:00:00Z',
  },
  // lead 1h; restores a2's failure after 3h, within the window
  {
    id: 'a3',
    service: 'api',
    pipeline: 'api-prod',
    pushedAt: '2026-10-25T11:00:00Z',
    createdAt: '2026-10-25T11:05:00Z',
    status: 'succeeded',
    completedAt: '2026-10-25T12:00:00Z',
  },
  // still rolling: a deployment, no lead time yet
  {
    id: 'a1',
    service: 'api',
    pipeline: 'api-prod',
    pushedAt: '2026-11-20T10:00:00Z',
    createdAt: '2026-11-20T10:00:30Z',
    status: 'rolling',
  },
];

/** `shiftMs` moves every time alike, so the measures stay as worked out for `reportNow`. */
const iso = (text: string, shiftMs: number) => new Date(Date.parse(text) + shiftMs).toISOString();

export const doraRecord = (seed: Seed, shiftMs = 0): RolloutRecord => ({
  serviceKey: `prod/${seed.service}`,
  cluster: 'prod',
  service: seed.service,
  digest: `sha256:${seed.id.padEnd(64, '0')}`,
  tag: `1.0.0-${seed.id}`,
  pipeline: seed.pipeline ?? 'web-prod',
  eventId: `event-${seed.id}`,
  pushedAt: iso(seed.pushedAt, shiftMs),
  status: seed.status,
  fromTaskDefinition: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${seed.service}:1`,
  ...(seed.reached === false
    ? {}
    : { toTaskDefinition: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${seed.service}:2` }),
  ...(seed.completedAt ? { completedAt: iso(seed.completedAt, shiftMs) } : {}),
  createdAt: iso(seed.createdAt, shiftMs),
  updatedAt: iso(seed.updatedAt ?? seed.completedAt ?? seed.createdAt, shiftMs),
});

/**
 * Writes the seeds through the store's own claim (then a patch, as the roll and follow-through do), moved so
 * that `now` plays `reportNow` (the CLI reports up to the real time).
 */
export const seedDoraLedger = async (rollouts: RolloutStore, now = reportNow): Promise<void> => {
  for (const seed of doraSeeds) {
    const record = doraRecord(seed, Date.parse(now) - Date.parse(reportNow));
    const claim = await rollouts.claim({ ...record, status: 'claimed' });
    if (!claim.claimed) throw new Error(`seed ${seed.id} not claimed`);
    await rollouts.update(record.serviceKey, record.digest, record);
  }
};

/** The report over `doraSeeds` at `reportNow` with `--since 30d`, worked out by hand. */
export const doraExpected = [
  {
    // Deployments started in the window that reached ECS: r1 r2 r3 w1 w2 w3 w4 (r4 never ran, r5 is older,
    // x1 is another pipeline's) = 7, 7/30 a day.
    pipeline: 'web-prod',
    deployments: 7,
    deploymentsPerDay: 7 / 30,
    // r1 3600, r3 1800, w1 1200, w2 1860, w4 1800 → sorted 1200 1800 1800 1860 3600 → median 1800.
    leadTimeSeconds: 1800,
    leadTimes: 5,
    // r2 failed, w2 and w3 rolled back: 3 of 7.
    changeFailures: 3,
    changeFailureRate: 3 / 7,
    // web: 11-02 09:30 → 11:30 = 7200; worker: 11-05 13:00 (w2, not w3's 14:40) → 11-06 10:30 = 77400;
    // median (7200 + 77400) / 2 = 42300.
    timeToRestoreSeconds: 42_300,
    restores: 2,
  },
  {
    // a3 and a1 (a2 started before the window): 2, 2/30 a day; a3's lead 1h; no failure in the window;
    // a2's failure (10-25 09:00) restored by a3 at 10-25 12:00, inside the window: 10800.
    pipeline: 'api-prod',
    deployments: 2,
    deploymentsPerDay: 2 / 30,
    leadTimeSeconds: 3600,
    leadTimes: 1,
    changeFailures: 0,
    changeFailureRate: 0,
    timeToRestoreSeconds: 10_800,
    restores: 1,
  },
  {
    pipeline: 'idle',
    deployments: 0,
    deploymentsPerDay: 0,
    leadTimes: 0,
    changeFailures: 0,
    restores: 0,
  },
];
