/** What the ledger keeps: plain records, one shape per aggregate, stored as they are. */
import type { ScanRecord } from '../guardrails/scan-gate.ts';
import type { Finding } from '../guardrails/types.ts';

export type { ScanRecord };

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
  /** The pinned reference deployed, `<repository-uri>@<digest>` (absent on rollouts before it was kept). */
  image?: string;
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

/**
 * What a service should run according to Deckhand: the last roll that won. `version` grows by one with
 * every roll, whoever made it, so a decision taken on an older version loses.
 */
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
export type ClaimResult =
  /** `leased`: set by `claimLeased`, true when the service's lease came with the claim. */
  { claimed: true; leased?: boolean } | { claimed: false; busy: boolean; existing: RolloutRecord };

/** A deployment ECS ran that Deckhand did not start (manual, CDK, another tool). */
export interface ForeignDeployment {
  deploymentId: string;
  eventName: string;
  at: string;
  reason?: string;
}

/** A push event waiting for its digest's scan. */
export interface ParkedPush {
  eventId: string;
  event: unknown;
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

/** The Slack message a rollout's thread lives in, so later notices update it in place. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface FailingStop {
  taskArn: string;
  at: string;
  kind: string;
  digest?: string;
}

/** What the last drift report said about a service, so the next one tells only what changed. */
export interface DriftState {
  fingerprint: string;
  since: string;
}

/** Automation held for a service after a rollback, until someone resumes it. */
export interface Pause {
  serviceKey: string;
  pipeline: string;
  reason: string;
  digest: string;
  pausedAt: string;
}

export type PromotionStatus =
  | 'waiting'
  | 'awaiting-approval'
  | 'approved'
  | 'declined'
  | 'expired'
  | 'promoted'
  | 'cancelled'
  | 'superseded';

/**
 * A proven digest on its way from one pipeline to the next: waiting for the source's rollout to stay healthy
 * for `after`, then (optionally) for approvals, then deployed through the same path as a push.
 */
export interface Promotion {
  /** The promote pipeline: where the digest goes. */
  pipeline: string;
  /** The pipeline it was proven in. */
  source: string;
  digest: string;
  tag: string;
  repository: string;
  /** `<repository-uri>` the source pulled it from; the promotion deploys `<uri>@<digest>`. */
  repositoryUri: string;
  /** When the source pushed it: newest wins among promotions of one pipeline. */
  pushedAt: string;
  status: PromotionStatus;
  /** When the source's last rollout of this digest completed; due at `completedAt + after`. */
  completedAt?: string;
  dueAt?: string;
  /** While `awaiting-approval`: distinct approvers so far, and when the request lapses. */
  approvals: { approver: string; at: string; reason?: string; via: string }[];
  expiresAt?: string;
  decidedBy?: string;
  reason?: string;
  /** An approval asked by an ECS pause hook: the decision resumes or rolls back that deployment. */
  pauseHook?: { serviceDeploymentArn: string; hookId: string; answered?: 'CONTINUE' | 'ROLLBACK' };
  createdAt: string;
  updatedAt: string;
}

/** An ad hoc freeze of one pipeline (or `*`: all), until a time. */
export interface Freeze {
  pipeline: string;
  until: string;
  reason: string;
  by: string;
  at: string;
}

/** A deploy held back by a freeze, released (newest per pipeline) when the freeze ends. */
export interface HeldDeploy {
  pipeline: string;
  digest: string;
  tag: string;
  repository: string;
  repositoryUri: string;
  pushedAt: string;
  /** The event or promotion that asked for it. */
  requestId: string;
  heldAt: string;
  reason: string;
}

/** A deployment lifecycle hook's decision for one (execution, stage), kept per service. */
export interface AdmissionRecord {
  serviceKey: string;
  executionId: string;
  stage: string;
  serviceDeploymentArn: string;
  targetServiceRevisionArn: string;
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  reason: string;
  /** The first time this (execution, stage) was asked: a step's bake runs from here. */
  firstAt: string;
  at: string;
}
