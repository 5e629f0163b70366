/**
 * One contract for the ledger's stores, run against the in-memory stores and against the DynamoDB stores on
 * moto over HTTP, so unit tests built on the memory stores mean what they say. A DynamoDB-only part proves
 * the stores read and write the items the old single adapter left in the table (same keys, same TTLs).
 * Promotions and freezes: store-contract-promotions.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { RecordNotFoundError } from '#adapters/dynamodb/items.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { TransientError } from '#core/errors.ts';
import type {
  AuditRecord,
  FailingStop,
  ForeignDeployment,
  RolloutRecord,
  RolloutStatus,
  ServiceHead,
} from '#core/ports/records.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { at, days, epoch, motoTable, start } from '../helpers/store-contract.ts';

interface Subject {
  ledger: Ledger;
  clock: ManualClock;
  /** The foreign deployments recorded for a service, read by the implementation's own means. */
  foreign(serviceKey: string): Promise<ForeignDeployment[]>;
}

const byId = (a: ForeignDeployment, b: ForeignDeployment) => a.deploymentId.localeCompare(b.deploymentId);

/** Fresh keys per test: the moto table is shared by every test of the file. */
const fixtures = () => {
  const id = randomUUID().slice(0, 8);
  const serviceKey = `staging/web-${id}`;
  const digest = `sha256:${id.repeat(8)}`;
  const rollout = (patch: Partial<RolloutRecord> = {}): RolloutRecord => ({
    serviceKey,
    cluster: 'staging',
    service: `web-${id}`,
    digest,
    tag: '1.4.0',
    pipeline: 'web-staging',
    eventId: 'event-1',
    pushedAt: at(-5),
    status: 'rolling',
    fromTaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
    findings: [{ rule: 'TD-001', severity: 'high', status: 'warn', mode: 'warn', field: 'f', message: 'm' }],
    createdAt: at(0),
    updatedAt: at(0),
    ...patch,
  });
  const head = (version: number, tag = '1.4.0'): ServiceHead => ({
    serviceKey,
    digest,
    tag,
    pipeline: 'web-staging',
    pushedAt: at(-5),
    eventId: 'event-1',
    taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    version,
    updatedAt: at(0),
  });
  return { id, serviceKey, digest, rollout, head };
};

const contract = (make: () => Subject) => {
  let subject: Subject;
  let ledger: Ledger;
  let clock: ManualClock;
  let f: ReturnType<typeof fixtures>;
  beforeEach(() => {
    subject = make();
    ({ ledger, clock } = subject);
    f = fixtures();
  });

  describe('heads', () => {
    it('puts only over the expected version: absent, current, never stale', async () => {
      expect(await ledger.heads.get(f.serviceKey)).toBeUndefined();
      expect(await ledger.heads.put(f.head(1), 0), 'expects a version that is not there').toBe(false);
      expect(await ledger.heads.put(f.head(1), undefined)).toBe(true);
      expect(await ledger.heads.put(f.head(1, '9.9.9'), undefined), 'no longer absent').toBe(false);
      expect(await ledger.heads.put(f.head(2, '1.5.0'), 1)).toBe(true);
      expect(await ledger.heads.put(f.head(3, '1.6.0'), 1), 'stale version').toBe(false);
      expect(await ledger.heads.get(f.serviceKey)).toEqual(f.head(2, '1.5.0'));
    });

    it('leases: free, blocked, re-entrant, taken over once expired, released by the holder', async () => {
      const { heads } = ledger;
      expect(await heads.acquireLease(f.serviceKey, 'a', 1000)).toBe(true);
      expect(await heads.acquireLease(f.serviceKey, 'b', 1000)).toBe(false);
      clock.advance(800);
      expect(await heads.acquireLease(f.serviceKey, 'a', 1000), 're-entrant, renews to 1800').toBe(true);
      clock.advance(1000);
      expect(await heads.acquireLease(f.serviceKey, 'b', 1000), 'at its very expiry it still holds').toBe(
        false,
      );
      clock.advance(1);
      expect(await heads.acquireLease(f.serviceKey, 'b', 1000), 'expired: taken over').toBe(true);
      await heads.releaseLease(f.serviceKey, 'a');
      expect(await heads.acquireLease(f.serviceKey, 'c', 1000), "a's release freed b's lease").toBe(false);
      await heads.releaseLease(f.serviceKey, 'b');
      expect(await heads.acquireLease(f.serviceKey, 'c', 1000)).toBe(true);
      expect(await heads.acquireLease(`${f.serviceKey}-other`, 'a', 1000), 'per service').toBe(true);
    });
  });

  describe('rollouts', () => {
    it('claims a fresh (service, digest) and stores the record as given', async () => {
      expect(await ledger.rollouts.claim(f.rollout({ status: 'claimed' }))).toEqual({ claimed: true });
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout({ status: 'claimed' }));
      expect(await ledger.rollouts.get(f.serviceKey, 'sha256:other')).toBeUndefined();
    });

    it.each<RolloutStatus>(['rolling', 'succeeded', 'rolled-back'])(
      'does not claim over %s: returns the existing record, not busy',
      async (status) => {
        await ledger.rollouts.claim(f.rollout({ status }));
        const again = f.rollout({ status: 'claimed', eventId: 'event-2', leaseUntil: at(1) });
        expect(await ledger.rollouts.claim(again)).toEqual({
          claimed: false,
          busy: false,
          existing: f.rollout({ status }),
        });
        expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout({ status }));
      },
    );

    it.each<RolloutStatus>(['superseded', 'failed', 'blocked', 'pending'])(
      'reclaims over %s for another event',
      async (status) => {
        await ledger.rollouts.claim(f.rollout({ status }));
        const again = f.rollout({ status: 'claimed', eventId: 'event-2', leaseUntil: at(1) });
        expect(await ledger.rollouts.claim(again)).toEqual({ claimed: true });
        expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(again);
      },
    );

    it.each<RolloutStatus>(['claimed', 'registered'])(
      'same event under %s: busy while the lease lives, reclaimable once it ran out',
      async (status) => {
        const first = f.rollout({ status, leaseUntil: at(1) });
        await ledger.rollouts.claim(first);
        const retry = f.rollout({ status: 'claimed', leaseUntil: at(3) });
        expect(await ledger.rollouts.claim(retry)).toEqual({ claimed: false, busy: true, existing: first });
        clock.set(at(1));
        expect(await ledger.rollouts.claim(retry), 'at leaseUntil it still lives').toMatchObject({
          busy: true,
        });
        clock.advance(1);
        expect(await ledger.rollouts.claim(retry)).toEqual({ claimed: true });
        expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(retry);
      },
    );

    it('another event never takes over a leased claim, even an expired one', async () => {
      const first = f.rollout({ status: 'claimed', leaseUntil: at(1) });
      await ledger.rollouts.claim(first);
      clock.set(at(10));
      expect(await ledger.rollouts.claim(f.rollout({ status: 'claimed', eventId: 'event-2' }))).toEqual({
        claimed: false,
        busy: false,
        existing: first,
      });
    });

    it('a leased claim without leaseUntil never expires: the same event stays busy', async () => {
      const unleased = f.rollout({ status: 'registered' });
      await ledger.rollouts.claim(unleased);
      clock.set(at(60 * 24));
      expect(await ledger.rollouts.claim(f.rollout({ status: 'claimed', leaseUntil: at(60 * 25) }))).toEqual({
        claimed: false,
        busy: true,
        existing: unleased,
      });
    });

    it('update patches the defined fields only and leaves undefined ones alone', async () => {
      await ledger.rollouts.claim(f.rollout({ status: 'claimed', deploymentId: 'ecs-svc/1' }));
      await ledger.rollouts.update(f.serviceKey, f.digest, {
        status: 'registered',
        toTaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
        deploymentId: undefined,
        reason: undefined,
      });
      await ledger.rollouts.update(f.serviceKey, f.digest, {});
      const stored = await ledger.rollouts.get(f.serviceKey, f.digest);
      expect(stored).toEqual(
        f.rollout({
          status: 'registered',
          deploymentId: 'ecs-svc/1',
          toTaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
        }),
      );
      expect(stored).not.toHaveProperty('reason');
    });

    it('update of a missing rollout throws RecordNotFoundError and creates nothing', async () => {
      for (const patch of [{ status: 'rolling' as const }, {}]) {
        const failure = ledger.rollouts.update(f.serviceKey, f.digest, patch);
        await expect(failure).rejects.toThrow(RecordNotFoundError);
        await expect(failure).rejects.toMatchObject({ name: 'RecordNotFoundError' });
      }
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toBeUndefined();
    });

    it('transition moves on only from the listed statuses', async () => {
      await ledger.rollouts.claim(f.rollout());
      const done = { status: 'succeeded' as const, completedAt: at(2), reason: undefined };
      expect(await ledger.rollouts.transition(f.serviceKey, f.digest, ['claimed', 'registered'], done)).toBe(
        false,
      );
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
      expect(await ledger.rollouts.transition(f.serviceKey, f.digest, ['registered', 'rolling'], done)).toBe(
        true,
      );
      const succeeded = f.rollout({ status: 'succeeded', completedAt: at(2) });
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(succeeded);
      expect(
        await ledger.rollouts.transition(f.serviceKey, f.digest, ['rolling'], { status: 'failed' }),
      ).toBe(false);
      expect(await ledger.rollouts.transition(f.serviceKey, f.digest, [], { status: 'failed' })).toBe(false);
      expect(await ledger.rollouts.transition(f.serviceKey, f.digest, ['succeeded'], {})).toBe(true);
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(succeeded);
      expect(await ledger.rollouts.transition(f.serviceKey, 'sha256:gone', ['rolling'], done)).toBe(false);
      expect(await ledger.rollouts.get(f.serviceKey, 'sha256:gone'), 'not created').toBeUndefined();
    });

    it("lists the service's rollouts oldest first, past a 1 MB page, and nothing else", async () => {
      // ~350 kB each: three do not fit DynamoDB's (and moto's) 1 MB query page.
      const reason = 'x'.repeat(350_000);
      const rollouts = [3, 1, 2].map((minute) =>
        f.rollout({ digest: `sha256:${minute}${f.id}`, createdAt: at(minute), reason }),
      );
      for (const rollout of rollouts) await ledger.rollouts.claim(rollout);
      await ledger.heads.put(f.head(1), undefined);
      await ledger.rollouts.recordForeign(f.serviceKey, {
        deploymentId: 'ecs-svc/9',
        eventName: 'x',
        at: at(0),
      });
      await ledger.rollouts.claim(fixtures().rollout());
      const listed = await ledger.rollouts.list(f.serviceKey);
      expect(listed.map((rollout) => rollout.createdAt)).toEqual([at(1), at(2), at(3)]);
      expect(listed[0]).toEqual(rollouts[1]);
      expect(await ledger.rollouts.list('staging/none')).toEqual([]);
    });

    it('records foreign deployments, one per deployment id', async () => {
      const manual = { deploymentId: 'ecs-svc/1', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', at: at(0) };
      const cdk = {
        deploymentId: 'ecs-svc/2',
        eventName: 'SERVICE_DEPLOYMENT_COMPLETED',
        at: at(1),
        reason: 'r',
      };
      await ledger.rollouts.recordForeign(f.serviceKey, manual);
      await ledger.rollouts.recordForeign(f.serviceKey, cdk);
      await ledger.rollouts.recordForeign(f.serviceKey, { ...manual, at: at(2) });
      expect((await subject.foreign(f.serviceKey)).sort(byId)).toEqual([{ ...manual, at: at(2) }, cdk]);
      expect(await ledger.rollouts.list(f.serviceKey)).toEqual([]);
    });
  });

  it('registrations: get what was put, last put wins', async () => {
    const key = `web:1#${f.digest}#app`;
    expect(await ledger.registrations.get(key)).toBeUndefined();
    await ledger.registrations.put(key, 'arn:task-definition/web:2');
    await ledger.registrations.put(key, 'arn:task-definition/web:3');
    expect(await ledger.registrations.get(key)).toBe('arn:task-definition/web:3');
    expect(await ledger.registrations.get(`web:1#${f.digest}#sidecar`)).toBeUndefined();
  });

  it('scans: latest scan per digest; pushes parked, listed by event id, unparked', async () => {
    const scan = {
      digest: f.digest,
      status: 'complete',
      counts: { HIGH: 2 },
      source: 'ecr-basic',
      scannedAt: at(0),
    } as const;
    expect(await ledger.scans.get(f.digest)).toBeUndefined();
    await ledger.scans.put({ ...scan, status: 'failed' });
    await ledger.scans.put(scan);
    expect(await ledger.scans.get(f.digest)).toEqual(scan);

    const event = (tag: string) => ({
      id: tag,
      detail: { tags: [tag], nested: { n: 1, flag: true, none: null } },
    });
    await ledger.scans.park(f.digest, { eventId: 'event-b', event: event('b') });
    await ledger.scans.park(f.digest, { eventId: 'event-a', event: event('stale') });
    await ledger.scans.park(f.digest, { eventId: 'event-a', event: event('a') });
    expect(await ledger.scans.parked(f.digest)).toEqual([
      { eventId: 'event-a', event: event('a') },
      { eventId: 'event-b', event: event('b') },
    ]);
    expect(await ledger.scans.parked('sha256:other')).toEqual([]);
    await ledger.scans.unpark(f.digest, 'event-a');
    await ledger.scans.unpark(f.digest, 'event-missing');
    expect(await ledger.scans.parked(f.digest)).toEqual([{ eventId: 'event-b', event: event('b') }]);
    // The index of every parked push spans digests (other tests' pushes may be in it too).
    const other = `${f.digest}0`;
    const mine = async () =>
      (await ledger.scans.waiting()).filter((w) => w.digest === f.digest || w.digest === other);
    await ledger.scans.park(other, { eventId: 'event-z', event: event('z') });
    expect(await mine()).toEqual([
      { digest: f.digest, eventId: 'event-b' },
      { digest: other, eventId: 'event-z' },
    ]);
    await ledger.scans.unpark(other, 'event-z');
    expect(await mine()).toEqual([{ digest: f.digest, eventId: 'event-b' }]);
    expect(await ledger.scans.get(f.digest), 'parking leaves the scan alone').toEqual(scan);
  });

  it('audits: last is the newest by time, per resource', async () => {
    const resource = `arn:aws:ecs:eu-west-1:123456789012:service/staging/web-${f.id}`;
    const audit = (minute: number): AuditRecord => ({
      resource,
      eventId: `event-${minute}`,
      eventName: 'UpdateService',
      caller: 'arn:aws:iam::123456789012:user/alice',
      at: at(minute),
      findings: [
        { rule: 'SVC-001', severity: 'medium', status: 'fail', mode: 'audit', field: 'f', message: 'm' },
      ],
    });
    expect(await ledger.audits.last(resource)).toBeUndefined();
    for (const minute of [2, 5, 1]) await ledger.audits.record(audit(minute));
    expect(await ledger.audits.last(resource)).toEqual(audit(5));
    expect(await ledger.audits.last(`${resource}-other`)).toBeUndefined();
  });

  it('notices: an id is claimed once; message refs per (thread, destination)', async () => {
    expect(await ledger.notices.claim(`deploy#${f.id}`)).toBe(true);
    expect(await ledger.notices.claim(`deploy#${f.id}`)).toBe(false);
    expect(await ledger.notices.claim(`deploy#${f.id}#2`)).toBe(true);
    // A claim handed back after a failed send may be claimed again, once.
    await ledger.notices.release(`deploy#${f.id}`);
    expect(await ledger.notices.claim(`deploy#${f.id}`)).toBe(true);
    expect(await ledger.notices.claim(`deploy#${f.id}`)).toBe(false);

    const thread = `rollout#${f.id}`;
    expect(await ledger.notices.getMessageRef(thread, 'payments')).toBeUndefined();
    await ledger.notices.putMessageRef(thread, 'payments', { channel: 'C1', ts: '1.1' });
    await ledger.notices.putMessageRef(thread, 'payments', { channel: 'C1', ts: '1.2' });
    expect(await ledger.notices.getMessageRef(thread, 'payments')).toEqual({ channel: 'C1', ts: '1.2' });
    expect(await ledger.notices.getMessageRef(thread, 'platform')).toBeUndefined();
  });

  describe('crash loops', () => {
    it('marks a (task, version) once', async () => {
      const task = `arn:aws:ecs:eu-west-1:123456789012:task/staging/${f.id}`;
      expect(await ledger.crashLoops.markTaskEvent(task, 3)).toBe(true);
      expect(await ledger.crashLoops.markTaskEvent(task, 3)).toBe(false);
      expect(await ledger.crashLoops.markTaskEvent(task, 4)).toBe(true);
      expect(await ledger.crashLoops.markTaskEvent(`${task}-2`, 3)).toBe(true);
    });

    it('returns the failing stops since the window start, oldest first, per service', async () => {
      const stop = (minute: number, task: string): FailingStop => ({
        taskArn: `task/${task}`,
        at: at(minute),
        kind: 'oom',
      });
      const { crashLoops } = ledger;
      await crashLoops.recordFailingStop(f.serviceKey, stop(0, 'a'), at(-10));
      await crashLoops.recordFailingStop(`${f.serviceKey}-other`, stop(4, 'x'), at(-10));
      await crashLoops.recordFailingStop(f.serviceKey, { ...stop(5, 'c'), digest: f.digest }, at(-10));
      expect(await crashLoops.recordFailingStop(f.serviceKey, stop(3, 'b'), at(3))).toEqual([
        stop(3, 'b'),
        { ...stop(5, 'c'), digest: f.digest },
      ]);
      expect(
        await crashLoops.recordFailingStop(f.serviceKey, stop(3, 'b'), at(0)),
        'a repeat is one stop',
      ).toHaveLength(3);
    });

    it('claims one alert per service until `until` has passed', async () => {
      const { crashLoops } = ledger;
      expect(await crashLoops.claimAlert(f.serviceKey, at(0), at(10))).toBe(true);
      expect(await crashLoops.claimAlert(f.serviceKey, at(5), at(15))).toBe(false);
      expect(await crashLoops.claimAlert(f.serviceKey, at(10), at(20)), 'held through `until`').toBe(false);
      expect(await crashLoops.claimAlert(`${f.serviceKey}-other`, at(5), at(15))).toBe(true);
      expect(await crashLoops.claimAlert(f.serviceKey, at(11), at(21))).toBe(true);
      expect(await crashLoops.claimAlert(f.serviceKey, at(20), at(30)), 'the new claim holds to 21').toBe(
        false,
      );
    });
  });

  it('drift: get, put over, delete', async () => {
    expect(await ledger.drift.get(f.serviceKey)).toBeUndefined();
    await ledger.drift.put(f.serviceKey, { fingerprint: 'a', since: at(0) });
    await ledger.drift.put(f.serviceKey, { fingerprint: 'b', since: at(1) });
    expect(await ledger.drift.get(f.serviceKey)).toEqual({ fingerprint: 'b', since: at(1) });
    await ledger.drift.delete(f.serviceKey);
    await ledger.drift.delete(f.serviceKey);
    expect(await ledger.drift.get(f.serviceKey)).toBeUndefined();
  });

  it('pauses: get, put over, delete', async () => {
    const pause = {
      serviceKey: f.serviceKey,
      pipeline: 'web-prod',
      reason: 'web-5xx',
      digest: f.digest,
      pausedAt: at(0),
    };
    expect(await ledger.pauses.get(f.serviceKey)).toBeUndefined();
    await ledger.pauses.put({ ...pause, reason: 'older' });
    await ledger.pauses.put(pause);
    expect(await ledger.pauses.get(f.serviceKey)).toEqual(pause);
    expect(await ledger.drift.get(f.serviceKey), 'a pause is not drift state').toBeUndefined();
    await ledger.pauses.delete(f.serviceKey);
    expect(await ledger.pauses.get(f.serviceKey)).toBeUndefined();
  });

  it('reads return copies: mutating one changes nothing stored', async () => {
    await ledger.rollouts.claim(f.rollout());
    const read = (await ledger.rollouts.get(f.serviceKey, f.digest)) as RolloutRecord;
    read.findings?.splice(0);
    read.status = 'failed';
    expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
  });
};

describe('memory stores', () => {
  contract(() => {
    const clock = new ManualClock(Date.parse(start));
    const ledger = createMemoryLedger(clock);
    return {
      ledger,
      clock,
      foreign: (serviceKey) =>
        Promise.resolve(
          ledger.state.foreign
            .filter((entry) => entry.serviceKey === serviceKey)
            .map((entry) => entry.deployment),
        ),
    };
  });
});

describe('DynamoDB stores on moto', () => {
  const { tableName, documents, raw, putRaw } = motoTable();

  contract(() => {
    const clock = new ManualClock(Date.parse(start));
    return {
      ledger: createDynamoDbLedger(documents, tableName, clock),
      clock,
      foreign: async (serviceKey) => {
        const { Items = [] } = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :foreign)',
            ExpressionAttributeValues: { ':pk': `svc#${serviceKey}`, ':foreign': 'foreign#' },
          }),
        );
        return Items.map(({ pk: _pk, sk: _sk, ttl: _ttl, ...deployment }) => deployment as ForeignDeployment);
      },
    };
  });

  describe('the old adapter layout', () => {
    let clock: ManualClock;
    let ledger: Ledger;
    let f: ReturnType<typeof fixtures>;
    beforeEach(() => {
      clock = new ManualClock(Date.parse(start));
      ledger = createDynamoDbLedger(documents, tableName, clock);
      f = fixtures();
    });

    it('reads items written with the old keys and attributes', async () => {
      const svc = `svc#${f.serviceKey}`;
      const ttl = epoch(start) + days(400);
      await putRaw({ pk: svc, sk: 'head', ...f.head(4) });
      await putRaw({ pk: svc, sk: `rollout#${f.digest}`, ...f.rollout(), ttl });
      await putRaw({ pk: svc, sk: 'lock', owner: 'old', expiresAt: Date.parse(at(1)), ttl });
      await putRaw({ pk: `reg#web:1#${f.digest}#app`, sk: 'reg', taskDefinitionArn: 'arn:td/web:2', ttl });
      const scan = {
        digest: f.digest,
        status: 'complete',
        counts: { LOW: 1 },
        source: 'inspector2',
        scannedAt: at(0),
      };
      await putRaw({ pk: `scan#${f.digest}`, sk: 'scan', ...scan, ttl });
      await putRaw({
        pk: `scan#${f.digest}`,
        sk: 'pending#ev-1',
        eventId: 'ev-1',
        event: '{"id":"ev-1"}',
        ttl,
      });
      const audit = {
        resource: `arn:svc/${f.id}`,
        eventId: 'ev-2',
        eventName: 'CreateService',
        caller: 'c',
        at: at(0),
        findings: [],
      };
      await putRaw({ pk: `audit#${audit.resource}`, sk: `${audit.at}#${audit.eventId}`, ...audit, ttl });
      const pause = {
        serviceKey: f.serviceKey,
        pipeline: 'p',
        reason: 'r',
        digest: f.digest,
        pausedAt: at(0),
      };
      await putRaw({ pk: svc, sk: 'pause', ...pause });
      await putRaw({ pk: svc, sk: 'drift', fingerprint: 'fp', since: at(0) });
      await putRaw({ pk: svc, sk: `stop#${at(0)}#task/a`, taskArn: 'task/a', at: at(0), kind: 'oom', ttl });
      await putRaw({ pk: svc, sk: 'crashloop', until: at(10), ttl });
      await putRaw({ pk: `task#task/${f.id}`, sk: 'v7', ttl });
      await putRaw({ pk: `notice#${f.id}`, sk: 'notice', ttl });
      await putRaw({ pk: `msg#thread-${f.id}`, sk: 'payments', channel: 'C9', ts: '9.9', ttl });

      expect(await ledger.heads.get(f.serviceKey)).toEqual(f.head(4));
      expect(await ledger.heads.put(f.head(5), 4)).toBe(true);
      expect(await ledger.heads.acquireLease(f.serviceKey, 'new', 1000)).toBe(false);
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
      expect(await ledger.rollouts.list(f.serviceKey)).toEqual([f.rollout()]);
      expect(await ledger.registrations.get(`web:1#${f.digest}#app`)).toBe('arn:td/web:2');
      expect(await ledger.scans.get(f.digest)).toEqual(scan);
      expect(await ledger.scans.parked(f.digest)).toEqual([{ eventId: 'ev-1', event: { id: 'ev-1' } }]);
      expect(await ledger.audits.last(audit.resource)).toEqual(audit);
      expect(await ledger.pauses.get(f.serviceKey)).toEqual(pause);
      expect(await ledger.drift.get(f.serviceKey)).toEqual({ fingerprint: 'fp', since: at(0) });
      const stops = await ledger.crashLoops.recordFailingStop(
        f.serviceKey,
        { taskArn: 'task/b', at: at(1), kind: 'oom' },
        at(-1),
      );
      expect(stops.map((stop) => stop.taskArn)).toEqual(['task/a', 'task/b']);
      expect(await ledger.crashLoops.claimAlert(f.serviceKey, at(5), at(15))).toBe(false);
      expect(await ledger.crashLoops.markTaskEvent(`task/${f.id}`, 7)).toBe(false);
      expect(await ledger.notices.claim(f.id)).toBe(false);
      expect(await ledger.notices.getMessageRef(`thread-${f.id}`, 'payments')).toEqual({
        channel: 'C9',
        ts: '9.9',
      });
    });

    it('writes items with the old keys, attributes and TTLs', async () => {
      const svc = `svc#${f.serviceKey}`;
      const now = epoch(start);
      await ledger.heads.put(f.head(1), undefined);
      await ledger.heads.acquireLease(f.serviceKey, 'owner-1', 30_000);
      await ledger.rollouts.claim(f.rollout());
      await ledger.rollouts.recordForeign(f.serviceKey, {
        deploymentId: 'ecs-svc/1',
        eventName: 'e',
        at: at(0),
      });
      await ledger.registrations.put('web:1#d#app', 'arn:td/web:2');
      const scan = {
        digest: f.digest,
        status: 'complete',
        counts: {},
        source: 'ecr-basic',
        scannedAt: at(0),
      } as const;
      await ledger.scans.put(scan);
      await ledger.scans.park(f.digest, { eventId: 'ev-1', event: { id: 'ev-1' } });
      const audit = {
        resource: `arn:svc/${f.id}`,
        eventId: 'ev-2',
        eventName: 'n',
        caller: 'c',
        at: at(0),
        findings: [],
      };
      await ledger.audits.record(audit);
      await ledger.notices.claim(f.id);
      await ledger.notices.putMessageRef(`thread-${f.id}`, 'payments', { channel: 'C1', ts: '1.0' });
      await ledger.crashLoops.markTaskEvent(`task/${f.id}`, 2);
      await ledger.crashLoops.recordFailingStop(
        f.serviceKey,
        { taskArn: 'task/a', at: at(0), kind: 'oom' },
        at(0),
      );
      await ledger.crashLoops.claimAlert(f.serviceKey, at(0), at(10));
      await ledger.drift.put(f.serviceKey, { fingerprint: 'fp', since: at(0) });
      const pause = {
        serviceKey: f.serviceKey,
        pipeline: 'p',
        reason: 'r',
        digest: f.digest,
        pausedAt: at(0),
      };
      await ledger.pauses.put(pause);

      expect(await raw(svc, 'head')).toEqual({ pk: svc, sk: 'head', ...f.head(1) });
      expect(await raw(svc, 'lock')).toEqual({
        pk: svc,
        sk: 'lock',
        owner: 'owner-1',
        expiresAt: Date.parse(start) + 30_000,
        ttl: now + 30 + days(1),
      });
      expect(await raw(svc, `rollout#${f.digest}`)).toEqual({
        pk: svc,
        sk: `rollout#${f.digest}`,
        ...f.rollout(),
        ttl: now + days(400),
      });
      expect(await raw(svc, 'foreign#ecs-svc/1')).toMatchObject({
        deploymentId: 'ecs-svc/1',
        ttl: now + days(400),
      });
      expect(await raw('reg#web:1#d#app', 'reg')).toMatchObject({
        taskDefinitionArn: 'arn:td/web:2',
        ttl: now + days(400),
      });
      expect(await raw(`scan#${f.digest}`, 'scan')).toEqual({
        pk: `scan#${f.digest}`,
        sk: 'scan',
        ...scan,
        ttl: now + days(400),
      });
      expect(await raw(`scan#${f.digest}`, 'pending#ev-1')).toMatchObject({
        eventId: 'ev-1',
        event: '{"id":"ev-1"}',
        ttl: now + days(30),
      });
      expect(await raw(`audit#${audit.resource}`, `${at(0)}#ev-2`)).toMatchObject({
        ...audit,
        ttl: now + days(400),
      });
      expect(await raw(`notice#${f.id}`, 'notice')).toEqual({
        pk: `notice#${f.id}`,
        sk: 'notice',
        ttl: now + days(30),
      });
      expect(await raw(`msg#thread-${f.id}`, 'payments')).toMatchObject({
        channel: 'C1',
        ts: '1.0',
        ttl: now + days(30),
      });
      expect(await raw(`task#task/${f.id}`, 'v2')).toEqual({
        pk: `task#task/${f.id}`,
        sk: 'v2',
        ttl: now + days(2),
      });
      expect(await raw(svc, `stop#${at(0)}#task/a`)).toMatchObject({
        taskArn: 'task/a',
        kind: 'oom',
        ttl: now + days(1),
      });
      expect(await raw(svc, 'crashloop')).toEqual({
        pk: svc,
        sk: 'crashloop',
        until: at(10),
        ttl: epoch(at(10)) + days(1),
      });
      expect(await raw(svc, 'drift')).toEqual({ pk: svc, sk: 'drift', fingerprint: 'fp', since: at(0) });
      expect(await raw(svc, 'pause')).toEqual({ pk: svc, sk: 'pause', ...pause });
    });

    it('a list past 1 MB spans query pages, so the contract case pages for real', async () => {
      const reason = 'x'.repeat(350_000);
      for (const minute of [1, 2, 3])
        await ledger.rollouts.claim(f.rollout({ digest: `sha256:${minute}`, createdAt: at(minute), reason }));
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `svc#${f.serviceKey}` },
        }),
      );
      expect(page.LastEvaluatedKey).toBeDefined();
      expect(page.Items?.length).toBeLessThan(3);
      expect(await ledger.rollouts.list(f.serviceKey)).toHaveLength(3);
    });
  });

  describe('AWS errors', () => {
    const failingWith = (error: Error) =>
      createDynamoDbLedger(
        { send: () => Promise.reject(error) } as unknown as DynamoDBDocumentClient,
        tableName,
        new ManualClock(),
      );

    it('wraps transient failures in TransientError, with the cause', async () => {
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
      const ledger = failingWith(throttled);
      for (const call of [
        () => ledger.heads.get('staging/web'),
        () => ledger.heads.put(fixtures().head(1), undefined),
        () => ledger.rollouts.update('staging/web', 'sha256:1', { status: 'failed' }),
        () => ledger.rollouts.list('staging/web'),
        () => ledger.pauses.delete('staging/web'),
      ]) {
        const failure = call();
        await expect(failure).rejects.toBeInstanceOf(TransientError);
        await expect(failure).rejects.toMatchObject({
          cause: throttled,
          message: expect.stringContaining('Rate exceeded'),
        });
      }
    });

    it('passes permanent failures through unchanged', async () => {
      const invalid = Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
      const scan = {
        digest: 'sha256:1',
        status: 'failed',
        counts: {},
        source: 'ecr-basic',
        scannedAt: start,
      } as const;
      await expect(failingWith(invalid).scans.put(scan)).rejects.toBe(invalid);
      await expect(failingWith(invalid).notices.claim('n')).rejects.toBe(invalid);
    });
  });
});
