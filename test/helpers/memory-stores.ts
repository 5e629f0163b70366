/**
 * The ledger's stores in memory, with the DynamoDB stores' conditional semantics, for unit tests of the use
 * cases' fault paths. test/integration/store-contract.test.ts holds both to the same behaviour. Records are
 * copied on every read and write, as a round trip through DynamoDB would; `state` lets tests look inside.
 */
import { RecordNotFoundError } from '#adapters/dynamodb/items.ts';
import type { Clock } from '#core/ports/clock.ts';
import type {
  AuditRecord,
  DriftState,
  FailingStop,
  ForeignDeployment,
  Freeze,
  HeldDeploy,
  MessageRef,
  Pause,
  Promotion,
  ClaimResult,
  RolloutRecord,
  RolloutStatus,
  ScanRecord,
  ServiceHead,
  AdmissionRecord,
} from '#core/ports/records.ts';
import type { HeadStore, Ledger, RolloutStore } from '#core/ports/stores.ts';
import {
  byKey,
  copy,
  defined,
  done,
  memoryAudits,
  memoryCrashLoops,
  memoryDrift,
  memoryAdmissions,
  memoryFreezes,
  memoryNotices,
  memoryPauses,
  memoryPromotions,
  memoryReads,
  memoryRegistrations,
  memoryScans,
  upsert,
} from './memory-record-stores.ts';

export interface MemoryState {
  heads: Map<string, ServiceHead>;
  /** serviceKey → the lease; `expiresAt` in epoch ms. */
  leases: Map<string, { owner: string; expiresAt: number }>;
  /** `${serviceKey}#${digest}` → rollout. */
  rollouts: Map<string, RolloutRecord>;
  foreign: { serviceKey: string; deployment: ForeignDeployment }[];
  registrations: Map<string, string>;
  /** digest → scan. */
  scans: Map<string, ScanRecord>;
  /** digest → event id → the parked event (JSON round-tripped, as stored). */
  parked: Map<string, Map<string, unknown>>;
  audits: AuditRecord[];
  notices: Set<string>;
  /** `${thread}|${destination}` → message. */
  messageRefs: Map<string, MessageRef>;
  /** `${taskArn}#v${version}`. */
  taskEvents: Set<string>;
  /** serviceKey → its failing stops, in the order recorded. */
  stops: Map<string, FailingStop[]>;
  /** serviceKey → until when the crash-loop alert is held. */
  crashAlerts: Map<string, string>;
  drift: Map<string, DriftState>;
  pauses: Map<string, Pause>;
  /** `${pipeline}#${digest}` → promotion. */
  promotions: Map<string, Promotion>;
  /** pipeline (or `*`) → its ad hoc freeze. */
  freezes: Map<string, Freeze>;
  /** `${pipeline}#${digest}` → the held deploy. */
  held: Map<string, HeldDeploy>;
  /** `${serviceKey}#${executionId}#${stage}` → decision. */
  admissions: Map<string, AdmissionRecord>;
}

export type MemoryLedger = Ledger & { state: MemoryState };

const reclaimable: RolloutStatus[] = ['superseded', 'failed', 'blocked', 'pending'];
const leased: RolloutStatus[] = ['claimed', 'registered'];

/** As DynamoDB's lease condition: free, expired (a lease still holds at its very expiry), or `owner`'s. */
const leaseFree = (state: MemoryState, serviceKey: string, owner: string, now: number) => {
  const lease = state.leases.get(serviceKey);
  return !lease || lease.owner === owner || lease.expiresAt < now;
};

const memoryHeads = (state: MemoryState, clock: Clock): HeadStore => ({
  get: (serviceKey) => done(state.heads.get(serviceKey)),
  put(head, expectedVersion) {
    if (state.heads.get(head.serviceKey)?.version !== expectedVersion) return done(false);
    state.heads.set(head.serviceKey, copy(head));
    return done(true);
  },
  acquireLease(serviceKey, owner, leaseMs) {
    const now = clock.now().getTime();
    if (!leaseFree(state, serviceKey, owner, now)) return done(false);
    state.leases.set(serviceKey, { owner, expiresAt: now + leaseMs });
    return done(true);
  },
  releaseLease(serviceKey, owner) {
    if (state.leases.get(serviceKey)?.owner === owner) state.leases.delete(serviceKey);
    return done(undefined);
  },
  advance(head, expectedVersion, { owner, rollout }) {
    if (state.heads.get(head.serviceKey)?.version !== expectedVersion) return done(false);
    const key = rollout && `${head.serviceKey}#${rollout.digest}`;
    const existing = key === undefined ? undefined : state.rollouts.get(key);
    if (rollout && !existing)
      return Promise.reject(new RecordNotFoundError(`no rollout of ${rollout.digest} on ${head.serviceKey}`));
    state.heads.set(head.serviceKey, copy(head));
    if (key && existing && rollout) state.rollouts.set(key, { ...existing, ...copy(defined(rollout.patch)) });
    if (state.leases.get(head.serviceKey)?.owner === owner) state.leases.delete(head.serviceKey);
    return done(true);
  },
});

const memoryRollouts = (state: MemoryState, clock: Clock): RolloutStore => {
  const keyOf = (serviceKey: string, digest: string) => `${serviceKey}#${digest}`;
  const claim = (record: RolloutRecord): Promise<ClaimResult> => {
    const key = keyOf(record.serviceKey, record.digest);
    const existing = state.rollouts.get(key);
    const now = clock.now().toISOString();
    const live = existing !== undefined && leased.includes(existing.status);
    const sameEvent = existing?.eventId === record.eventId;
    // A missing leaseUntil compares false in DynamoDB: such a claim never expires.
    const expired = existing?.leaseUntil !== undefined && existing.leaseUntil < now;
    if (!existing || reclaimable.includes(existing.status) || (sameEvent && live && expired)) {
      state.rollouts.set(key, copy(record));
      return done({ claimed: true });
    }
    return done({ claimed: false, busy: sameEvent && live, existing });
  };
  return {
    get: (serviceKey, digest) => done(state.rollouts.get(keyOf(serviceKey, digest))),
    claim,
    async claimLeased(record, { owner, leaseMs, headVersion }) {
      const now = clock.now().getTime();
      const leasable =
        leaseFree(state, record.serviceKey, owner, now) &&
        state.heads.get(record.serviceKey)?.version === headVersion;
      const result = await claim(record);
      if (!result.claimed) return result;
      if (leasable) state.leases.set(record.serviceKey, { owner, expiresAt: now + leaseMs });
      return { claimed: true, leased: leasable };
    },
    update(serviceKey, digest, patch) {
      const key = keyOf(serviceKey, digest);
      const existing = state.rollouts.get(key);
      if (!existing)
        return Promise.reject(new RecordNotFoundError(`no rollout of ${digest} on ${serviceKey}`));
      state.rollouts.set(key, { ...existing, ...copy(defined(patch)) });
      return done(undefined);
    },
    transition(serviceKey, digest, from, patch) {
      const key = keyOf(serviceKey, digest);
      const existing = state.rollouts.get(key);
      if (!existing || !from.includes(existing.status)) return done(false);
      state.rollouts.set(key, { ...existing, ...copy(defined(patch)) });
      return done(true);
    },
    list(serviceKey) {
      // DynamoDB returns them by digest (the sort key) before the stable sort by createdAt.
      const rollouts = [...state.rollouts.values()]
        .filter((rollout) => rollout.serviceKey === serviceKey)
        .sort(byKey((rollout) => rollout.digest))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return done(rollouts);
    },
    recordForeign(serviceKey, deployment) {
      upsert(
        state.foreign,
        { serviceKey, deployment },
        (entry) =>
          entry.serviceKey === serviceKey && entry.deployment.deploymentId === deployment.deploymentId,
      );
      return done(undefined);
    },
  };
};

const emptyState = (): MemoryState => ({
  heads: new Map(),
  leases: new Map(),
  rollouts: new Map(),
  foreign: [],
  registrations: new Map(),
  scans: new Map(),
  parked: new Map(),
  audits: [],
  notices: new Set(),
  messageRefs: new Map(),
  taskEvents: new Set(),
  stops: new Map(),
  crashAlerts: new Map(),
  drift: new Map(),
  pauses: new Map(),
  promotions: new Map(),
  freezes: new Map(),
  held: new Map(),
  admissions: new Map(),
});

/** Every store in memory on one `state`; `clock` decides leases as DynamoDB's conditions would. */
export const createMemoryLedger = (clock: Clock): MemoryLedger => {
  const state = emptyState();
  return {
    state,
    heads: memoryHeads(state, clock),
    rollouts: memoryRollouts(state, clock),
    registrations: memoryRegistrations(state),
    scans: memoryScans(state),
    audits: memoryAudits(state),
    notices: memoryNotices(state),
    crashLoops: memoryCrashLoops(state),
    drift: memoryDrift(state),
    pauses: memoryPauses(state),
    promotions: memoryPromotions(state),
    freezes: memoryFreezes(state),
    admissions: memoryAdmissions(state),
    reads: memoryReads(state),
  };
};

/** A clock that only moves when told; sleeping advances it. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = Date.parse('2026-11-24T10:00:00Z')) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  /** Moves time on by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
  /** Sets time to `at` (ISO or epoch ms). */
  set(at: string | number): void {
    this.current = typeof at === 'number' ? at : Date.parse(at);
  }
  sleep(ms: number): Promise<void> {
    this.current += ms;
    return Promise.resolve();
  }
}
