/** What the use cases need from the outside world. Adapters implement these; tests may too. */
import type { Finding, ServiceShape } from './guardrails/types.ts';
import type { ScanRecord } from './guardrails/scan-gate.ts';
import type { RegisterInput, ResourceTag, TaskDefinition } from './task-definition.ts';

export interface DeploymentSnapshot {
  id: string;
  status: string;
  taskDefinition: string;
  rolloutState?: string;
  createdAt?: Date;
}

export interface ServiceSnapshot {
  clusterArn: string;
  serviceName: string;
  serviceArn: string;
  status: string;
  /** An ARN in AWS; moto may answer `family:revision`. */
  taskDefinition: string;
  desiredCount: number;
  tags: ResourceTag[];
  deployments: DeploymentSnapshot[];
  /** The fields the service guardrails read (SVC-001 … SVC-006). */
  shape: ServiceShape;
}

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: ResourceTag[];
}

export interface EcsPort {
  /** Services by name; a missing or INACTIVE service is absent from the map. */
  describeServices(cluster: string, services: readonly string[]): Promise<Map<string, ServiceSnapshot>>;
  describeTaskDefinition(taskDefinition: string): Promise<DescribedTaskDefinition>;
  registerTaskDefinition(input: RegisterInput): Promise<{ taskDefinitionArn: string }>;
  updateService(cluster: string, service: string, taskDefinition: string): Promise<{ deploymentId?: string }>;
  deregisterTaskDefinition(taskDefinition: string): Promise<void>;
}

export type RolloutStatus =
  | 'claimed'
  | 'registered'
  | 'rolling'
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'superseded'
  | 'blocked'
  | 'pending';

export interface RolloutRecord {
  serviceKey: string;
  cluster: string;
  service: string;
  digest: string;
  tag: string;
  pipeline: string;
  eventId: string;
  pushedAt: string;
  status: RolloutStatus;
  fromTaskDefinition: string;
  toTaskDefinition?: string;
  deploymentId?: string;
  reason?: string;
  /** Guardrail findings worth telling (fail, warn, error, pending) judged before the deploy. */
  findings?: Finding[];
  /** The service's desiredCount when Deckhand deployed (drift reports changes only when asked). */
  desiredCount?: number;
  /** When ECS reported the deployment COMPLETED (status `succeeded`). */
  completedAt?: string;
  /** A crash loop or an alarm hit it while it ran: never a known-good revision. */
  unhealthy?: boolean;
  /** ECS's circuit breaker is rolling it back. */
  rollingBack?: boolean;
  rolledBackBy?: 'ecs' | 'deckhand';
  /** While `claimed` or `registered`, the claiming delivery owns the rollout until then. */
  leaseUntil?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a service should run according to Deckhand: the newest deploy that won. */
export interface ServiceHead {
  serviceKey: string;
  digest: string;
  tag: string;
  pipeline: string;
  pushedAt: string;
  eventId: string;
  taskDefinition: string;
  version: number;
  updatedAt: string;
}

/**
 * `busy`: the same event is being handled by another live delivery (a concurrent duplicate): retry later.
 * Otherwise an unclaimed result means the digest is already deployed (or being deployed) by another event.
 */
export type ClaimResult = { claimed: true } | { claimed: false; busy: boolean; existing: RolloutRecord };

export interface LedgerPort {
  getHead(serviceKey: string): Promise<ServiceHead | undefined>;
  /** Writes the head only if its version is still `expectedVersion` (undefined: only if absent). */
  putHead(head: ServiceHead, expectedVersion: number | undefined): Promise<boolean>;
  getRollout(serviceKey: string, digest: string): Promise<RolloutRecord | undefined>;
  /**
   * Claims (service, digest) for this event. Succeeds when no record exists, when the earlier attempt ended
   * superseded or failed, or when this same event claimed it before and its lease ran out (a retry resumes).
   */
  claimRollout(record: RolloutRecord): Promise<ClaimResult>;
  updateRollout(serviceKey: string, digest: string, patch: Partial<RolloutRecord>): Promise<void>;
  /** The revision registered for (source revision, digest, containers), so retries and siblings reuse it. */
  getRegistration(key: string): Promise<string | undefined>;
  putRegistration(key: string, taskDefinitionArn: string): Promise<void>;
  /** A lease on the service: the head check and UpdateService run under it so newest wins. */
  acquireLock(serviceKey: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseLock(serviceKey: string, owner: string): Promise<void>;
  /** IMG-003: the latest scan result recorded for a digest. */
  getScan(digest: string): Promise<ScanRecord | undefined>;
  putScan(scan: ScanRecord): Promise<void>;
  /** Push events waiting for their digest's scan; the scan event resumes them. */
  addPendingDeploy(digest: string, eventId: string, event: unknown): Promise<void>;
  listPendingDeploys(digest: string): Promise<{ eventId: string; event: unknown }[]>;
  removePendingDeploy(digest: string, eventId: string): Promise<void>;
  recordAudit(audit: AuditRecord): Promise<void>;
  /** Every rollout Deckhand recorded for the service, oldest first. */
  listRollouts(serviceKey: string): Promise<RolloutRecord[]>;
  /** Moves a rollout on only if its status is still one of `from`; false when another delivery got there first. */
  transitionRollout(
    serviceKey: string,
    digest: string,
    from: RolloutStatus[],
    patch: Partial<RolloutRecord>,
  ): Promise<boolean>;
  /** A deployment ECS ran that Deckhand did not start (manual, CDK, another tool). */
  recordForeignDeployment(serviceKey: string, deployment: ForeignDeployment): Promise<void>;
  getPause(serviceKey: string): Promise<Pause | undefined>;
  putPause(pause: Pause): Promise<void>;
  deletePause(serviceKey: string): Promise<void>;
  /** First sight of (task, version) is true; a duplicate event is false. */
  markTaskEvent(taskArn: string, version: number): Promise<boolean>;
  /** Records a failing stop and returns the failing stops of the service since `since`. */
  recordFailingStop(serviceKey: string, stop: FailingStop, since: string): Promise<FailingStop[]>;
  /** Claims the one crash-loop alert of the service until `until`; false while an earlier one holds. */
  claimCrashLoopAlert(serviceKey: string, now: string, until: string): Promise<boolean>;
  /** First claim of (notice key, state, destination) is true: the same notice is never sent twice. */
  claimNotice(id: string): Promise<boolean>;
  /** The Slack message a rollout's thread lives in, per destination, so it is updated in place. */
  getMessageRef(thread: string, destination: string): Promise<MessageRef | undefined>;
  putMessageRef(thread: string, destination: string, ref: MessageRef): Promise<void>;
  /** The newest out-of-band change recorded for a resource (service or task-definition ARN). */
  lastAudit(resource: string): Promise<AuditRecord | undefined>;
  getDriftState(serviceKey: string): Promise<DriftState | undefined>;
  putDriftState(serviceKey: string, state: DriftState): Promise<void>;
  deleteDriftState(serviceKey: string): Promise<void>;
}

/** What the last drift report said about a service, so the next one tells only what changed. */
export interface DriftState {
  fingerprint: string;
  since: string;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface ForeignDeployment {
  deploymentId: string;
  eventName: string;
  at: string;
  reason?: string;
}

/** Automation held for a service after a rollback, until someone resumes it. */
export interface Pause {
  serviceKey: string;
  pipeline: string;
  reason: string;
  digest: string;
  pausedAt: string;
}

export interface FailingStop {
  taskArn: string;
  at: string;
  kind: string;
  digest?: string;
}

/** A guardrail evaluation of a change someone made to ECS outside Deckhand. */
export interface AuditRecord {
  resource: string;
  eventId: string;
  eventName: string;
  caller: string;
  at: string;
  findings: Finding[];
  remediation?: string;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
};
