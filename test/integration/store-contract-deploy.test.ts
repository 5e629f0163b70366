/**
 * The store contract (see store-contract.test.ts) for the deploy path's round trips: the batch read across
 * stores, the claim that takes the service's lease with it, the registration that marks its rollouts, and the
 * roll's commit (head, rollout and lease in one write). In-memory and DynamoDB on moto behave alike.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { RecordNotFoundError } from '#adapters/dynamodb/items.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import type { RolloutRecord, ServiceHead } from '#core/ports/records.ts';
import { type Ledger, rolloutId } from '#core/ports/stores.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { at, motoTable, start } from '../helpers/store-contract.ts';

/** Fresh keys per test: the moto table is shared by every test of the file. */
const fixtures = () => {
  const id = randomUUID().slice(0, 8);
  const serviceKey = `prod/web-${id}`;
  const digest = `sha256:${id.repeat(8)}`;
  const rollout = (patch: Partial<RolloutRecord> = {}): RolloutRecord => ({
    serviceKey,
    cluster: 'prod',
    service: `web-${id}`,
    digest,
    tag: '2.0.0',
    pipeline: `web-${id}`,
    eventId: 'event-1',
    pushedAt: at(-5),
    status: 'claimed',
    fromTaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1',
    leaseUntil: at(6),
    createdAt: at(0),
    updatedAt: at(0),
    ...patch,
  });
  const head = (version: number, patch: Partial<ServiceHead> = {}): ServiceHead => ({
    serviceKey,
    digest,
    tag: '2.0.0',
    pipeline: `web-${id}`,
    pushedAt: at(-5),
    eventId: 'event-1',
    taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    version,
    updatedAt: at(0),
    ...patch,
  });
  return { id, serviceKey, digest, rollout, head };
};

const lease = (owner: string, headVersion: number | undefined) => ({ owner, leaseMs: 60_000, headVersion });

const contract = (make: () => { ledger: Ledger; clock: ManualClock }) => {
  let ledger: Ledger;
  let clock: ManualClock;
  let f: ReturnType<typeof fixtures>;
  beforeEach(() => {
    ({ ledger, clock } = make());
    f = fixtures();
  });

  describe('batch read', () => {
    it('reads each store by its keys, leaves the missing out, and brings the `*` freeze along', async () => {
      const other = fixtures();
      await ledger.heads.put(f.head(3), undefined);
      await ledger.pauses.put({
        serviceKey: f.serviceKey,
        pipeline: 'p',
        reason: 'r',
        digest: 'd',
        pausedAt: at(0),
      });
      await ledger.rollouts.claim(f.rollout());
      await ledger.registrations.put(`web:1#${f.digest}#app`, 'arn:td/web:2');
      const scan = {
        digest: f.digest,
        status: 'complete',
        counts: {},
        source: 'ecr-basic',
        scannedAt: at(0),
      } as const;
      await ledger.scans.put(scan);
      const drift = { fingerprint: '[["revision","web:1","web:2",[]]]', since: at(0) };
      await ledger.drift.put(f.serviceKey, drift);
      const freeze = (pipeline: string) => ({ pipeline, until: at(60), reason: 'r', by: 'b', at: at(0) });
      await ledger.freezes.put(freeze(`web-${f.id}`));
      await ledger.freezes.put(freeze(`api-${f.id}`));
      await ledger.freezes.put(freeze('*'));

      const view = await ledger.reads.read({
        heads: [f.serviceKey, other.serviceKey, f.serviceKey],
        pauses: [f.serviceKey, other.serviceKey],
        rollouts: [
          { serviceKey: f.serviceKey, digest: f.digest },
          { serviceKey: f.serviceKey, digest: other.digest },
        ],
        registrations: [`web:1#${f.digest}#app`, `web:1#${f.digest}#sidecar`],
        freezes: [`web-${f.id}`, `gone-${f.id}`],
        scans: [f.digest, other.digest],
        drift: [f.serviceKey, other.serviceKey],
      });
      expect(view.heads).toEqual(new Map([[f.serviceKey, f.head(3)]]));
      expect([...view.pauses.keys()]).toEqual([f.serviceKey]);
      expect(view.rollouts).toEqual(new Map([[rolloutId(f.serviceKey, f.digest), f.rollout()]]));
      expect(view.registrations).toEqual(new Map([[`web:1#${f.digest}#app`, 'arn:td/web:2']]));
      expect(view.freezes).toEqual([freeze('*'), freeze(`web-${f.id}`)]);
      expect(view.scans).toEqual(new Map([[f.digest, scan]]));
      expect(view.drift).toEqual(new Map([[f.serviceKey, drift]]));
      await ledger.freezes.delete('*');
    });

    it('reads past a hundred keys (DynamoDB batches them) and nothing when asked for nothing', async () => {
      const many = Array.from({ length: 130 }, () => fixtures());
      for (const [index, g] of many.entries())
        if (index % 2 === 0) await ledger.heads.put(g.head(1), undefined);
      const view = await ledger.reads.read({ heads: many.map((g) => g.serviceKey) });
      expect([...view.heads.keys()].sort()).toEqual(
        many
          .filter((_, i) => i % 2 === 0)
          .map((g) => g.serviceKey)
          .sort(),
      );
      expect(await ledger.reads.read({})).toEqual({
        heads: new Map(),
        pauses: new Map(),
        rollouts: new Map(),
        registrations: new Map(),
        freezes: [],
        scans: new Map(),
        drift: new Map(),
      });
    });
  });

  describe('claim with the lease', () => {
    it('claims and leases at the head it read: another owner is kept out until it is freed', async () => {
      await ledger.heads.put(f.head(2), undefined);
      expect(await ledger.rollouts.claimLeased(f.rollout(), lease('deploy', 2))).toEqual({
        claimed: true,
        leased: true,
      });
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000)).toBe(false);
      expect(await ledger.heads.acquireLease(f.serviceKey, 'deploy', 1000), 're-entrant').toBe(true);
    });

    it('claims without the lease when the head moved, or is absent where one was read', async () => {
      await ledger.heads.put(f.head(2), undefined);
      expect(await ledger.rollouts.claimLeased(f.rollout(), lease('deploy', 1))).toEqual({
        claimed: true,
        leased: false,
      });
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000), 'no lease was taken').toBe(true);
      const g = fixtures();
      expect(await ledger.rollouts.claimLeased(g.rollout(), lease('deploy', 4))).toEqual({
        claimed: true,
        leased: false,
      });
      const fresh = fixtures();
      expect(
        await ledger.rollouts.claimLeased(fresh.rollout(), lease('deploy', undefined)),
        'no head',
      ).toEqual({
        claimed: true,
        leased: true,
      });
    });

    it('claims without the lease while another owner holds it, and leases once it expired', async () => {
      expect(await ledger.heads.acquireLease(f.serviceKey, 'rollback', 1000)).toBe(true);
      expect(await ledger.rollouts.claimLeased(f.rollout(), lease('deploy', undefined))).toEqual({
        claimed: true,
        leased: false,
      });
      clock.advance(1001);
      const retry = f.rollout({ leaseUntil: at(7) });
      clock.set(at(7));
      expect(
        await ledger.rollouts.claimLeased(retry, lease('deploy', undefined)),
        'own claim lapsed',
      ).toEqual({
        claimed: true,
        leased: true,
      });
    });

    it('refuses as claim does, and takes no lease: another event, or this one still in flight', async () => {
      await ledger.rollouts.claim(f.rollout({ status: 'rolling', eventId: 'event-0' }));
      expect(await ledger.rollouts.claimLeased(f.rollout(), lease('deploy', undefined))).toEqual({
        claimed: false,
        busy: false,
        existing: f.rollout({ status: 'rolling', eventId: 'event-0' }),
      });
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000)).toBe(true);
      const g = fixtures();
      await ledger.rollouts.claim(g.rollout());
      expect(await ledger.rollouts.claimLeased(g.rollout(), lease('deploy', undefined))).toMatchObject({
        claimed: false,
        busy: true,
      });
    });
  });

  describe('registration with its rollouts', () => {
    it('records the registration and marks each rollout registered with it', async () => {
      const g = fixtures();
      await ledger.rollouts.claim(f.rollout());
      await ledger.rollouts.claim(g.rollout({ digest: f.digest }));
      const key = `web:1#${f.digest}#app`;
      await ledger.registrations.put(key, 'arn:td/web:2', {
        rollouts: [
          { serviceKey: f.serviceKey, digest: f.digest },
          { serviceKey: g.serviceKey, digest: f.digest },
        ],
        updatedAt: at(1),
      });
      expect(await ledger.registrations.get(key)).toBe('arn:td/web:2');
      const registered = {
        status: 'registered',
        toTaskDefinition: 'arn:td/web:2',
        updatedAt: at(1),
      } as const;
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout(registered));
      expect(await ledger.rollouts.get(g.serviceKey, f.digest)).toEqual(
        g.rollout({ ...registered, digest: f.digest }),
      );
    });

    it('records one registration under each of its keys, in the write that marks its rollouts', async () => {
      await ledger.rollouts.claim(f.rollout());
      const keys = [`web:1#${f.digest}#*`, `web:1#${f.digest}#app`];
      await ledger.registrations.put(keys, 'arn:td/web:2', {
        rollouts: [{ serviceKey: f.serviceKey, digest: f.digest }],
        updatedAt: at(1),
      });
      const view = await ledger.reads.read({ registrations: [...keys, `web:1#${f.digest}#sidecar`] });
      expect(view.registrations).toEqual(new Map(keys.map((key) => [key, 'arn:td/web:2'])));
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toMatchObject({
        status: 'registered',
        toTaskDefinition: 'arn:td/web:2',
      });
    });

    it('marks more rollouts than one DynamoDB transaction holds', async () => {
      const group = Array.from({ length: 100 }, () => fixtures());
      for (const g of group) await ledger.rollouts.claim(g.rollout({ digest: f.digest }));
      await ledger.registrations.put(`web:1#${f.digest}#all`, 'arn:td/web:9', {
        rollouts: group.map((g) => ({ serviceKey: g.serviceKey, digest: f.digest })),
        updatedAt: at(1),
      });
      const view = await ledger.reads.read({
        rollouts: group.map((g) => ({ serviceKey: g.serviceKey, digest: f.digest })),
      });
      expect([...view.rollouts.values()].map((r) => r.toTaskDefinition)).toEqual(
        group.map(() => 'arn:td/web:9'),
      );
    });

    it('writes nothing when a rollout is missing', async () => {
      await ledger.rollouts.claim(f.rollout());
      const key = `web:1#${f.digest}#app`;
      const missing = fixtures();
      await expect(
        ledger.registrations.put(key, 'arn:td/web:2', {
          rollouts: [
            { serviceKey: f.serviceKey, digest: f.digest },
            { serviceKey: missing.serviceKey, digest: f.digest },
          ],
          updatedAt: at(1),
        }),
      ).rejects.toThrow(RecordNotFoundError);
      expect(await ledger.registrations.get(key)).toBeUndefined();
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
    });
  });

  describe("the roll's commit", () => {
    const rolling = {
      status: 'rolling',
      toTaskDefinition: 'arn:td/web:2',
      deploymentId: 'ecs-svc/1',
    } as const;

    it('advances the head, patches the rollout and frees the lease, together', async () => {
      await ledger.heads.put(f.head(1), undefined);
      await ledger.rollouts.claim(f.rollout());
      await ledger.heads.acquireLease(f.serviceKey, 'deploy', 60_000);
      expect(
        await ledger.heads.advance(f.head(2), 1, {
          owner: 'deploy',
          rollout: { digest: f.digest, patch: rolling },
        }),
      ).toBe(true);
      expect(await ledger.heads.get(f.serviceKey)).toEqual(f.head(2));
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout(rolling));
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000), 'freed').toBe(true);
    });

    it('writes nothing when the head moved: false, the rollout as it was, the lease still held', async () => {
      await ledger.heads.put(f.head(3), undefined);
      await ledger.rollouts.claim(f.rollout());
      await ledger.heads.acquireLease(f.serviceKey, 'deploy', 60_000);
      expect(
        await ledger.heads.advance(f.head(3), 1, {
          owner: 'deploy',
          rollout: { digest: f.digest, patch: rolling },
        }),
      ).toBe(false);
      expect(await ledger.heads.get(f.serviceKey)).toEqual(f.head(3));
      expect(await ledger.rollouts.get(f.serviceKey, f.digest)).toEqual(f.rollout());
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000)).toBe(false);
      expect(await ledger.heads.advance(f.head(1), undefined, { owner: 'deploy' }), 'absent expected').toBe(
        false,
      );
    });

    it('throws RecordNotFoundError and writes nothing when the rollout is missing', async () => {
      await ledger.heads.acquireLease(f.serviceKey, 'deploy', 60_000);
      await expect(
        ledger.heads.advance(f.head(1), undefined, {
          owner: 'deploy',
          rollout: { digest: f.digest, patch: rolling },
        }),
      ).rejects.toThrow(RecordNotFoundError);
      expect(await ledger.heads.get(f.serviceKey)).toBeUndefined();
    });

    it("commits when its lease was taken over, and leaves the new holder's lease alone", async () => {
      await ledger.heads.acquireLease(f.serviceKey, 'deploy', 1000);
      clock.advance(1001);
      await ledger.heads.acquireLease(f.serviceKey, 'rollback', 60_000);
      expect(await ledger.heads.advance(f.head(1), undefined, { owner: 'deploy' })).toBe(true);
      expect(await ledger.heads.get(f.serviceKey)).toEqual(f.head(1));
      expect(await ledger.heads.acquireLease(f.serviceKey, 'other', 1000)).toBe(false);
    });
  });
};

describe('memory stores', () => {
  contract(() => {
    const clock = new ManualClock(Date.parse(start));
    return { ledger: createMemoryLedger(clock), clock };
  });
});

describe('DynamoDB stores on moto', () => {
  const { tableName, documents } = motoTable();
  contract(() => {
    const clock = new ManualClock(Date.parse(start));
    return { ledger: createDynamoDbLedger(documents, tableName, clock), clock };
  });
});
