/**
 * The ledger as small stores, one per aggregate. Each is a narrow port; the DynamoDB adapters share one
 * table and its keys, and one contract suite (test/integration/store-contract.test.ts) holds the in-memory
 * and DynamoDB implementations to the same behaviour.
 */
import type {
  AdmissionRecord,
  AuditRecord,
  ClaimResult,
  DriftState,
  FailingStop,
  ForeignDeployment,
  Freeze,
  HeldDeploy,
  MessageRef,
  ParkedPush,
  Pause,
  Promotion,
  PromotionStatus,
  RolloutRecord,
  RolloutStatus,
  ScanRecord,
  ServiceHead,
} from './records.ts';

/** Heads, and the short lease under which the one roll operation re-checks and advances them. */
export interface HeadStore {
  get(serviceKey: string): Promise<ServiceHead | undefined>;
  /** Writes the head only if its version is still `expectedVersion` (undefined: only if absent). */
  put(head: ServiceHead, expectedVersion: number | undefined): Promise<boolean>;
  /** True when `owner` now holds the service's lease: it was free, expired, or already `owner`'s. */
  acquireLease(serviceKey: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Frees the lease if `owner` still holds it. */
  releaseLease(serviceKey: string, owner: string): Promise<void>;
  /**
   * The roll's commit, in one write: the head advances only if its version is still `expectedVersion`, and
   * with it the rollout (which must exist: RecordNotFoundError, nothing written) takes `rollout.patch` and
   * `owner`'s lease is freed if it still holds it. False, with nothing written, when the version moved.
   */
  advance(
    head: ServiceHead,
    expectedVersion: number | undefined,
    commit: { owner: string; rollout?: { digest: string; patch: Partial<RolloutRecord> } },
  ): Promise<boolean>;
}

/** A lease taken with a claim, only while the head is still at `headVersion` (undefined: no head). */
export interface LeaseRequest {
  owner: string;
  leaseMs: number;
  headVersion: number | undefined;
}

/** One rollout per (service, digest), and the deployments ECS ran that Deckhand did not start. */
export interface RolloutStore {
  get(serviceKey: string, digest: string): Promise<RolloutRecord | undefined>;
  /**
   * Claims (service, digest) for this event. Succeeds when no record exists, when the earlier attempt ended
   * superseded, failed, blocked or pending, or when this same event claimed it before and its lease ran out.
   */
  claim(record: RolloutRecord): Promise<ClaimResult>;
  /**
   * Claims exactly as `claim` does and, in the same write, takes the service's lease for `lease.owner` (free,
   * expired or already its own, as `acquireLease`) if the head is still at `lease.headVersion`. A successful
   * claim says whether the lease came with it (`leased`); without it the claim is still made.
   */
  claimLeased(record: RolloutRecord, lease: LeaseRequest): Promise<ClaimResult>;
  /** Patches an existing rollout (undefined fields are left alone). */
  update(serviceKey: string, digest: string, patch: Partial<RolloutRecord>): Promise<void>;
  /** Moves a rollout on only if its status is still one of `from`; false when another delivery got there first. */
  transition(
    serviceKey: string,
    digest: string,
    from: readonly RolloutStatus[],
    patch: Partial<RolloutRecord>,
  ): Promise<boolean>;
  /** Every rollout of the service, oldest first. */
  list(serviceKey: string): Promise<RolloutRecord[]>;
  recordForeign(serviceKey: string, deployment: ForeignDeployment): Promise<void>;
}

/** The revision registered for (source revision, digest, containers), so retries and siblings reuse it. */
export interface RegistrationStore {
  get(key: string): Promise<string | undefined>;
  /**
   * Records the registration (under each key given) and, in the same write, marks these rollouts (which must
   * exist) `registered` with it as `toTaskDefinition`, so a retry that finds either resumes from it.
   */
  put(
    key: string | readonly string[],
    taskDefinitionArn: string,
    registered?: { rollouts: readonly RolloutKey[]; updatedAt: string },
  ): Promise<void>;
}

/** One rollout: (service, digest). */
export interface RolloutKey {
  serviceKey: string;
  digest: string;
}

/** IMG-003: each digest's latest scan, and the pushes parked until it arrives. */
export interface ScanStore {
  get(digest: string): Promise<ScanRecord | undefined>;
  put(scan: ScanRecord): Promise<void>;
  park(digest: string, push: ParkedPush): Promise<void>;
  parked(digest: string): Promise<ParkedPush[]>;
  unpark(digest: string, eventId: string): Promise<void>;
  /** Every parked push, whatever its digest, in (digest, event id) order: the timers apply gate timeouts. */
  waiting(): Promise<{ digest: string; eventId: string }[]>;
}

/** Guardrail findings on changes made outside Deckhand. */
export interface AuditStore {
  record(audit: AuditRecord): Promise<void>;
  /** The newest audit of a resource (service or task-definition ARN). */
  last(resource: string): Promise<AuditRecord | undefined>;
}

/** Notices already sent, and the Slack messages that rollouts' threads live in. */
export interface NoticeStore {
  /** First claim of an id is true: the same notice is never sent twice to a destination. */
  claim(id: string): Promise<boolean>;
  /** Hands a claim back after the send failed, so a retry may send it. */
  release(id: string): Promise<void>;
  getMessageRef(thread: string, destination: string): Promise<MessageRef | undefined>;
  putMessageRef(thread: string, destination: string, ref: MessageRef): Promise<void>;
}

/** Task-stop dedupe and the per-service crash-loop window. */
export interface CrashLoopStore {
  /** First sight of (task, version) is true; a duplicate event is false. */
  markTaskEvent(taskArn: string, version: number): Promise<boolean>;
  /** Records a failing stop and returns the service's failing stops since `since`. */
  recordFailingStop(serviceKey: string, stop: FailingStop, since: string): Promise<FailingStop[]>;
  /** Claims the one crash-loop alert of the service until `until`; false while an earlier one holds. */
  claimAlert(serviceKey: string, now: string, until: string): Promise<boolean>;
}

/** What the last drift report said per service. */
export interface DriftStore {
  get(serviceKey: string): Promise<DriftState | undefined>;
  put(serviceKey: string, state: DriftState): Promise<void>;
  delete(serviceKey: string): Promise<void>;
}

/** Automation held per service after a rollback. */
export interface PauseStore {
  get(serviceKey: string): Promise<Pause | undefined>;
  put(pause: Pause): Promise<void>;
  delete(serviceKey: string): Promise<void>;
}

/** Promotions per (pipeline, digest); few enough to list whole each minute. */
export interface PromotionStore {
  get(pipeline: string, digest: string): Promise<Promotion | undefined>;
  /** Creates the promotion unless one exists for (pipeline, digest); false when it did. */
  create(promotion: Promotion): Promise<boolean>;
  /** Moves a promotion on only if its status is still one of `from`. */
  transition(
    pipeline: string,
    digest: string,
    from: readonly PromotionStatus[],
    patch: Partial<Promotion>,
  ): Promise<boolean>;
  /** Adds an approval once per approver, only while `awaiting-approval`; answers the promotion after. */
  approve(
    pipeline: string,
    digest: string,
    approval: Promotion['approvals'][number],
  ): Promise<{ added: boolean; promotion: Promotion | undefined }>;
  /** Every promotion not yet finished (waiting, awaiting-approval, approved). */
  open(): Promise<Promotion[]>;
  /** Every promotion of a pipeline, oldest first. */
  list(pipeline: string): Promise<Promotion[]>;
}

/** Ad hoc freezes, and deploys held back by any freeze until it ends. */
export interface FreezeStore {
  /** Active and expired ad hoc freezes (expired ones are ignored by callers and expire by TTL). */
  list(): Promise<Freeze[]>;
  put(freeze: Freeze): Promise<void>;
  delete(pipeline: string): Promise<void>;
  /** Holds a deploy; one per (pipeline, digest). */
  hold(held: HeldDeploy): Promise<void>;
  held(): Promise<HeldDeploy[]>;
  release(pipeline: string, digest: string): Promise<void>;
}

/** The lifecycle hook's decisions, per service and (execution, stage). */
export interface AdmissionStore {
  get(serviceKey: string, executionId: string, stage: string): Promise<AdmissionRecord | undefined>;
  put(record: AdmissionRecord): Promise<void>;
  /** The service's decisions, newest first. */
  list(serviceKey: string): Promise<AdmissionRecord[]>;
}

/** Which records to read together; absent keys are simply missing from the view. */
export interface LedgerKeys {
  heads?: readonly string[];
  pauses?: readonly string[];
  rollouts?: readonly RolloutKey[];
  registrations?: readonly string[];
  /** Pipelines whose ad hoc freezes to read; the freeze of every pipeline (`*`) always comes along. */
  freezes?: readonly string[];
  scans?: readonly string[];
  /** Services whose last drift report to read. */
  drift?: readonly string[];
}

export interface LedgerView {
  heads: Map<string, ServiceHead>;
  pauses: Map<string, Pause>;
  /** By `rolloutId(serviceKey, digest)`. */
  rollouts: Map<string, RolloutRecord>;
  registrations: Map<string, string>;
  freezes: Freeze[];
  scans: Map<string, ScanRecord>;
  drift: Map<string, DriftState>;
}

export const rolloutId = (serviceKey: string, digest: string): string => `${serviceKey}#${digest}`;

/** Records of several stores read in one round trip (a batch read), for a path that needs them together. */
export interface LedgerReads {
  read(keys: LedgerKeys): Promise<LedgerView>;
}

/** Every store, as the adapters wire them; a use case's deps name only the stores it uses. */
export interface Ledger {
  heads: HeadStore;
  rollouts: RolloutStore;
  registrations: RegistrationStore;
  scans: ScanStore;
  audits: AuditStore;
  notices: NoticeStore;
  crashLoops: CrashLoopStore;
  drift: DriftStore;
  pauses: PauseStore;
  promotions: PromotionStore;
  freezes: FreezeStore;
  admissions: AdmissionStore;
  reads: LedgerReads;
}
