/**
 * The store contract (see store-contract.test.ts) for promotions and freezes: the in-memory stores and the
 * DynamoDB stores on moto behave alike. Both keep promotions, freezes and held deploys each in one partition,
 * shared by every test of the file on moto, so each test names its own pipelines and looks only at those.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { TransientError } from '#core/errors.ts';
import type { Freeze, HeldDeploy, Promotion, PromotionStatus } from '#core/ports/records.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { at, days, epoch, motoTable, start } from '../helpers/store-contract.ts';

type Approval = Promotion['approvals'][number];

/** Fresh pipelines per test: the moto partitions are shared by every test of the file. */
const fixtures = () => {
  const id = randomUUID().slice(0, 8);
  const pipeline = `web-prod-${id}`;
  const digest = `sha256:${id.repeat(8)}`;
  const promotion = (patch: Partial<Promotion> = {}): Promotion => ({
    pipeline,
    source: `web-staging-${id}`,
    digest,
    tag: '1.4.0',
    repository: 'web',
    repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
    pushedAt: at(-5),
    status: 'waiting',
    completedAt: at(0),
    dueAt: at(30),
    approvals: [],
    createdAt: at(0),
    updatedAt: at(0),
    ...patch,
  });
  const approval = (approver: string, minutes = 1): Approval => ({ approver, at: at(minutes), via: 'slack' });
  const freeze = (patch: Partial<Freeze> = {}): Freeze => ({
    pipeline,
    until: at(60),
    reason: 'release day',
    by: 'alice',
    at: at(0),
    ...patch,
  });
  const held = (patch: Partial<HeldDeploy> = {}): HeldDeploy => ({
    pipeline,
    digest,
    tag: '1.4.0',
    repository: 'web',
    repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
    pushedAt: at(-5),
    requestId: 'event-1',
    heldAt: at(0),
    reason: 'frozen: release day',
    ...patch,
  });
  /** Only this test's records, in key order (the port promises no order for open, list or held). */
  const mine = <T extends { pipeline: string; digest?: string }>(records: T[]) =>
    records
      .filter((record) => record.pipeline.includes(id) || record.pipeline === '*')
      .sort((a, b) => `${a.pipeline}#${a.digest}`.localeCompare(`${b.pipeline}#${b.digest}`));
  return { id, pipeline, digest, promotion, approval, freeze, held, mine };
};

const contract = (make: () => Ledger) => {
  let ledger: Ledger;
  let f: ReturnType<typeof fixtures>;
  beforeEach(() => {
    ledger = make();
    f = fixtures();
  });

  describe('promotions', () => {
    it('creates once per (pipeline, digest): a second create is false and changes nothing', async () => {
      expect(await ledger.promotions.get(f.pipeline, f.digest)).toBeUndefined();
      expect(await ledger.promotions.create(f.promotion())).toBe(true);
      expect(await ledger.promotions.create(f.promotion({ status: 'approved', tag: '9.9.9' }))).toBe(false);
      expect(await ledger.promotions.get(f.pipeline, f.digest)).toEqual(f.promotion());
      expect(await ledger.promotions.create(f.promotion({ digest: 'sha256:other' })), 'per digest').toBe(
        true,
      );
      expect(await ledger.promotions.get(`${f.pipeline}-eu`, f.digest), 'per pipeline').toBeUndefined();
    });

    it('transitions only from the given statuses, applying the defined fields of the patch', async () => {
      const { promotions } = ledger;
      await promotions.create(f.promotion());
      const patch = { status: 'awaiting-approval' as const, expiresAt: at(60), updatedAt: at(30) };
      expect(await promotions.transition(f.pipeline, f.digest, ['approved', 'declined'], patch)).toBe(false);
      expect(await promotions.get(f.pipeline, f.digest)).toEqual(f.promotion());
      expect(
        await promotions.transition(f.pipeline, f.digest, ['waiting'], { ...patch, reason: undefined }),
      ).toBe(true);
      expect(await promotions.get(f.pipeline, f.digest)).toEqual(f.promotion(patch));
      expect(
        await promotions.transition(f.pipeline, f.digest, ['waiting'], { status: 'expired' }),
        'moved on',
      ).toBe(false);
      expect(await promotions.transition(f.pipeline, f.digest, [], { status: 'expired' }), 'from none').toBe(
        false,
      );
      expect(await promotions.get(f.pipeline, f.digest)).toEqual(f.promotion(patch));
    });

    it('transitions nothing missing; a patch with nothing defined is answered by the status', async () => {
      const { promotions } = ledger;
      expect(await promotions.transition(f.pipeline, f.digest, ['waiting'], { status: 'approved' })).toBe(
        false,
      );
      expect(await promotions.get(f.pipeline, f.digest), 'not created by the transition').toBeUndefined();
      expect(await promotions.transition(f.pipeline, f.digest, ['waiting'], {})).toBe(false);
      await promotions.create(f.promotion());
      expect(await promotions.transition(f.pipeline, f.digest, ['waiting'], { reason: undefined })).toBe(
        true,
      );
      expect(await promotions.transition(f.pipeline, f.digest, ['approved'], {})).toBe(false);
      expect(await promotions.get(f.pipeline, f.digest)).toEqual(f.promotion());
    });

    it('adds approvals in order while awaiting approval, answering the promotion after', async () => {
      const { promotions } = ledger;
      await promotions.create(f.promotion({ status: 'awaiting-approval' }));
      const first = f.approval('alice');
      const second = { ...f.approval('bob', 2), reason: 'looks good', via: 'cli' };
      const after = f.promotion({ status: 'awaiting-approval', approvals: [first] });
      expect(await promotions.approve(f.pipeline, f.digest, first)).toEqual({
        added: true,
        promotion: after,
      });
      expect(await promotions.approve(f.pipeline, f.digest, second)).toEqual({
        added: true,
        promotion: { ...after, approvals: [first, second] },
      });
      expect(await promotions.get(f.pipeline, f.digest)).toEqual({ ...after, approvals: [first, second] });
    });

    it('does not add a second approval by the same approver: answers the promotion as it is', async () => {
      const { promotions } = ledger;
      await promotions.create(f.promotion({ status: 'awaiting-approval' }));
      await promotions.approve(f.pipeline, f.digest, f.approval('alice'));
      const current = f.promotion({ status: 'awaiting-approval', approvals: [f.approval('alice')] });
      expect(await promotions.approve(f.pipeline, f.digest, f.approval('alice', 5))).toEqual({
        added: false,
        promotion: current,
      });
      expect(await promotions.get(f.pipeline, f.digest)).toEqual(current);
    });

    it.each<PromotionStatus>(['waiting', 'approved', 'declined', 'expired', 'promoted', 'superseded'])(
      'refuses an approval while %s: answers the promotion unchanged',
      async (status) => {
        await ledger.promotions.create(f.promotion({ status }));
        expect(await ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice'))).toEqual({
          added: false,
          promotion: f.promotion({ status }),
        });
        expect(await ledger.promotions.get(f.pipeline, f.digest)).toEqual(f.promotion({ status }));
      },
    );

    it('answers an approval of a missing promotion with nothing', async () => {
      expect(await ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice'))).toEqual({
        added: false,
        promotion: undefined,
      });
      expect(await ledger.promotions.get(f.pipeline, f.digest)).toBeUndefined();
    });

    it('counts concurrent approvals each once: distinct approvers all, the same approver once', async () => {
      const { promotions } = ledger;
      await promotions.create(f.promotion({ status: 'awaiting-approval' }));
      const approvers = ['alice', 'bob', 'carol', 'dave'];
      const results = await Promise.all(
        [...approvers, 'alice', 'bob'].map((approver) =>
          promotions.approve(f.pipeline, f.digest, f.approval(approver)),
        ),
      );
      expect(results.filter((result) => result.added)).toHaveLength(approvers.length);
      const after = await promotions.get(f.pipeline, f.digest);
      expect(after?.approvals.map((approval) => approval.approver).sort()).toEqual(approvers);
    });

    it('open() is every waiting, awaiting-approval or approved promotion, of every pipeline', async () => {
      const statuses: PromotionStatus[] = [
        'waiting',
        'awaiting-approval',
        'approved',
        'declined',
        'expired',
        'promoted',
        'cancelled',
        'superseded',
      ];
      for (const [index, status] of statuses.entries())
        await ledger.promotions.create(f.promotion({ digest: `sha256:${index}`, status }));
      const elsewhere = f.promotion({ pipeline: `api-prod-${f.id}`, status: 'approved' });
      await ledger.promotions.create(elsewhere);
      expect(f.mine(await ledger.promotions.open())).toEqual([
        elsewhere,
        f.promotion({ digest: 'sha256:0', status: 'waiting' }),
        f.promotion({ digest: 'sha256:1', status: 'awaiting-approval' }),
        f.promotion({ digest: 'sha256:2', status: 'approved' }),
      ]);
    });

    it('lists a pipeline oldest first, whatever the digests, and only that pipeline', async () => {
      const created = [
        f.promotion({ digest: 'sha256:b', createdAt: at(1) }),
        f.promotion({ digest: 'sha256:c', createdAt: at(3), status: 'promoted' }),
        f.promotion({ digest: 'sha256:a', createdAt: at(2) }),
      ];
      for (const promotion of created) await ledger.promotions.create(promotion);
      await ledger.promotions.create(f.promotion({ pipeline: `${f.pipeline}-eu`, digest: 'sha256:0' }));
      await ledger.promotions.create(f.promotion({ pipeline: `x${f.pipeline}`, digest: 'sha256:0' }));
      expect(await ledger.promotions.list(f.pipeline)).toEqual([created[0], created[2], created[1]]);
      expect(await ledger.promotions.list(`other-${f.id}`)).toEqual([]);
    });
  });

  describe('freezes', () => {
    it('puts, lists, overwrites per pipeline and deletes ad hoc freezes', async () => {
      const { freezes } = ledger;
      const all = f.freeze({ pipeline: '*', until: at(10) });
      const other = f.freeze({ pipeline: `api-prod-${f.id}`, until: at(-1), reason: 'expired' });
      await freezes.put(f.freeze());
      await freezes.put(all);
      await freezes.put(other);
      expect(f.mine(await freezes.list())).toEqual([all, other, f.freeze()]);
      await freezes.put(f.freeze({ until: at(120), reason: 'extended', by: 'bob' }));
      await freezes.delete('*');
      await freezes.delete(`missing-${f.id}`);
      expect(f.mine(await freezes.list())).toEqual([
        other,
        f.freeze({ until: at(120), reason: 'extended', by: 'bob' }),
      ]);
      await freezes.delete(other.pipeline);
      await freezes.delete(f.pipeline);
      expect(f.mine(await freezes.list())).toEqual([]);
    });

    it('holds one deploy per (pipeline, digest): a re-hold overwrites, release deletes', async () => {
      const { freezes } = ledger;
      const newer = f.held({ digest: 'sha256:newer', tag: '1.5.0', requestId: 'event-2' });
      const elsewhere = f.held({ pipeline: `api-prod-${f.id}` });
      await freezes.hold(f.held());
      await freezes.hold(newer);
      await freezes.hold(elsewhere);
      expect(f.mine(await freezes.held())).toEqual([elsewhere, f.held(), newer]);
      const again = f.held({ requestId: 'promotion:web', heldAt: at(5), reason: 'frozen: all' });
      await freezes.hold(again);
      expect(f.mine(await freezes.held())).toEqual([elsewhere, again, newer]);
      await freezes.release(f.pipeline, f.digest);
      await freezes.release(f.pipeline, 'sha256:never-held');
      expect(f.mine(await freezes.held())).toEqual([elsewhere, newer]);
      await freezes.release(elsewhere.pipeline, elsewhere.digest);
      await freezes.release(f.pipeline, newer.digest);
      expect(f.mine(await freezes.held())).toEqual([]);
    });
  });

  it('hands out copies: changing what a read returned changes nothing stored', async () => {
    await ledger.promotions.create(f.promotion({ status: 'awaiting-approval' }));
    const { promotion } = await ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice'));
    promotion?.approvals.push(f.approval('mallory'));
    const read = await ledger.promotions.get(f.pipeline, f.digest);
    read?.approvals.push(f.approval('mallory'));
    expect(await ledger.promotions.get(f.pipeline, f.digest)).toEqual(
      f.promotion({ status: 'awaiting-approval', approvals: [f.approval('alice')] }),
    );
  });
};

describe('memory stores', () => {
  contract(() => createMemoryLedger(new ManualClock(Date.parse(start))));
});

describe('DynamoDB stores on moto', () => {
  const { tableName, documents, raw } = motoTable();

  contract(() => createDynamoDbLedger(documents, tableName, new ManualClock(Date.parse(start))));

  it('keeps promotions, freezes and held deploys under their keys and TTLs, nothing more', async () => {
    const ledger = createDynamoDbLedger(documents, tableName, new ManualClock(Date.parse(start)));
    const f = fixtures();
    const now = epoch(start);
    await ledger.promotions.create(f.promotion({ status: 'awaiting-approval' }));
    await ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice'));
    await ledger.freezes.put(f.freeze({ until: '2026-11-25T12:00:00+01:00' }));
    await ledger.freezes.hold(f.held());
    expect(await raw('promotions', `${f.pipeline}#${f.digest}`)).toEqual({
      pk: 'promotions',
      sk: `${f.pipeline}#${f.digest}`,
      ...f.promotion({ status: 'awaiting-approval', approvals: [f.approval('alice')] }),
      ttl: now + days(400),
    });
    expect(await raw('freezes', `freeze#${f.pipeline}`)).toEqual({
      pk: 'freezes',
      sk: `freeze#${f.pipeline}`,
      ...f.freeze({ until: '2026-11-25T12:00:00+01:00' }),
      ttl: epoch('2026-11-25T11:00:00Z') + days(1),
    });
    expect(await raw('freezes', `held#${f.pipeline}#${f.digest}`)).toEqual({
      pk: 'freezes',
      sk: `held#${f.pipeline}#${f.digest}`,
      ...f.held(),
      ttl: now + days(30),
    });
  });

  describe('AWS errors', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const ledgerOn = (send: (command: unknown) => Promise<unknown>) =>
      createDynamoDbLedger({ send } as unknown as DynamoDBDocumentClient, tableName, new ManualClock());

    it('wraps transient failures in TransientError, with the cause', async () => {
      const ledger = ledgerOn(() => Promise.reject(throttled));
      const f = fixtures();
      for (const call of [
        () => ledger.promotions.create(f.promotion()),
        () => ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice')),
        () => ledger.promotions.open(),
        () => ledger.freezes.held(),
        () => ledger.freezes.put(f.freeze()),
      ]) {
        const failure = call();
        await expect(failure).rejects.toBeInstanceOf(TransientError);
        await expect(failure).rejects.toMatchObject({ cause: throttled });
      }
    });

    it('gives up an approval that keeps losing to concurrent writes, as transient', async () => {
      const f = fixtures();
      const awaiting = {
        pk: 'promotions',
        sk: `${f.pipeline}#${f.digest}`,
        ...f.promotion({ status: 'awaiting-approval' }),
      };
      let updates = 0;
      const ledger = ledgerOn((command) => {
        if (command instanceof GetCommand) return Promise.resolve({ Item: awaiting });
        updates += 1;
        const lost = new ConditionalCheckFailedException({ message: 'lost', $metadata: {} });
        return Promise.reject(Object.assign(lost, { Item: marshall(awaiting) }));
      });
      await expect(
        ledger.promotions.approve(f.pipeline, f.digest, f.approval('alice')),
      ).rejects.toBeInstanceOf(TransientError);
      expect(updates).toBe(10);
    });
  });
});
