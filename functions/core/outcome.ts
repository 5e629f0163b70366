/**
 * Typed outcomes: one per event, reported by every handler and `deckhand replay`. `kind` says which use
 * case answered, so the notifier and the CLI read typed actions and never cast on `detail-type` strings.
 */
import type { RejectedEventError } from './errors.ts';
import type { Finding } from './guardrails/types.ts';
import type { Log } from './ports/log.ts';
import type { PromotionStatus } from './ports/records.ts';
import type { StopClassification } from './rollouts/stop-classifier.ts';
import type { Site } from './sites.ts';

export type OutcomeKind =
  | 'deployed'
  | 'queued'
  | 'planned'
  | 'ignored'
  | 'blocked'
  | 'pending'
  | 'rejected'
  | 'failed'
  | 'rolled-back'
  | 'alerted'
  | 'recorded'
  | 'awaiting-approval'
  | 'approved'
  | 'declined'
  | 'expired'
  | 'promoted'
  | 'frozen'
  | 'released'
  | 'hook';

interface OutcomeOf<K extends string, A> {
  kind: K;
  eventId: string;
  detailType: string;
  outcome: OutcomeKind;
  actions: A[];
  reason?: string;
}

export type DeployStatus =
  | 'deployed'
  /** Handed to the roll workers (a large deploy fans out); each tells its own outcome. */
  | 'queued'
  | 'planned'
  | 'unchanged'
  | 'superseded'
  | 'paused'
  | 'blocked'
  | 'pending'
  | 'frozen'
  | 'failed';

/** What a push (or a resumed push) did to one target service. */
export interface DeployAction {
  pipeline: string;
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  from?: string;
  to?: string;
  /** The pinned reference `<repository-uri>@<digest>`. */
  image: string;
  tag: string;
  status: DeployStatus;
  reason?: string;
  deploymentId?: string;
  /**
   * Answered from the ledger: an earlier delivery of this same event (or work item) rolled it, and was counted
   * then. The claims are the push's idempotency record, so a duplicate is told `deployed` but counts nothing.
   */
  again?: true;
  /** Guardrail findings worth telling: failures, warnings, errors, a pending scan. */
  findings?: Finding[];
  /** Waivers that would have applied but expired. */
  expiredWaivers?: string[];
  /** The service's tags, as the deploy read them (team routing). */
  serviceTags?: Record<string, string>;
  /** A break-glass deploy that passed a freeze: who and why. */
  breakGlass?: { by: string; reason: string };
}
export type DeployOutcome = OutcomeOf<'deploy', DeployAction>;

/** A finished scan: its actions are the pushes it resumed. */
export type ScanOutcome = OutcomeOf<'scan', DeployOutcome>;

/** A change made outside Deckhand, judged. */
export interface AuditAction {
  resource: string;
  cluster?: string;
  service?: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  /** The service's tags, when the audit read them: the notifier routes by the team tag without a re-read. */
  serviceTags?: Record<string, string>;
  findings: Finding[];
  remediation?: string;
}
export type AuditOutcome = OutcomeOf<'audit', AuditAction>;

/** An ECS deployment or service event, matched to Deckhand's rollout where it is one. */
export interface RolloutAction {
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  deploymentId?: string;
  status: string;
  byDeckhand: boolean;
  reason?: string;
  /** Set when the deployment is Deckhand's: the rollout it moved. */
  rollout?: { digest: string; tag: string; pipeline: string };
  /**
   * Set only by the event that ended the rollout (a duplicate finds it ended): what the DORA metrics
   * measure. `failingSince`: the service's first failure since its last success, on a success that restores.
   */
  ended?: {
    result: 'succeeded' | 'failed' | 'rolled-back';
    pushedAt: string;
    at: string;
    failingSince?: string;
  };
}
export type DeploymentOutcome = OutcomeOf<'deployment', RolloutAction>;

export interface CrashLoopAction {
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  /** The pipeline of the rollout it hit, else the service's first pipeline. */
  pipeline?: string;
  taskArn: string;
  classification: StopClassification;
  digest?: string;
  crashLoop: boolean;
  failingStops?: number;
  window?: string;
  logsUrl?: string;
  rollout?: string;
}
export type TaskOutcome = OutcomeOf<'task', CrashLoopAction>;

export interface RollbackAction {
  pipeline: string;
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  status: 'rolled-back' | 'notified' | 'already-rolled-back' | 'no-known-good' | 'superseded';
  from?: string;
  to?: string;
  digest?: string;
  reason: string;
}
export type AlarmOutcome = OutcomeOf<'alarm', RollbackAction>;

export type DriftKind = 'revision' | 'image' | 'config' | 'stuck' | 'desired-count';

export interface DriftItem {
  pipeline: string;
  team?: string;
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  kind: DriftKind;
  expected: string;
  actual: string;
  fields: string[];
  since: string;
  actor?: string;
}

export interface DriftServiceReport {
  pipeline: string;
  team?: string;
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  /** `new` and `changed` are told; `unchanged` is not; `resolved` gets a note. */
  change: 'new' | 'changed' | 'unchanged' | 'resolved';
  drift: DriftItem[];
  reconciled?: string;
}
export type DriftOutcome = OutcomeOf<'drift', DriftServiceReport> & { drift: DriftItem[] };

/** A promotion moving on: due, waiting for approvers, decided, expired, deployed, cancelled. */
export interface PromotionAction {
  pipeline: string;
  source: string;
  digest: string;
  tag: string;
  /** The pinned reference `<repository-uri>@<digest>`. */
  image: string;
  /** The promotion's status once moved on, or what happened to the deploy it made. */
  status: Exclude<PromotionStatus, 'waiting'> | 'frozen' | 'released';
  reason?: string;
  approvers?: string[];
  required?: number;
  approvals?: string[];
  expiresAt?: string;
  decidedBy?: string;
  /** The deploy the promotion (or a release) made, when it made one. */
  deploy?: DeployOutcome;
}
export type PromotionOutcome = OutcomeOf<'promotion', PromotionAction> & {
  /** Pushes parked for their scan that the timers re-judged once the gate's timeout passed. */
  resumed?: DeployOutcome[];
};

/** A Slack interaction (button click) answered over the Function URL. */
export interface InteractionAction {
  pipeline: string;
  digest: string;
  approver: string;
  decision: 'approve' | 'decline';
  result: string;
}
export type InteractionOutcome = OutcomeOf<'interaction', InteractionAction> & {
  statusCode: number;
  body: string;
};

/** A deployment lifecycle hook's decision on one stage of a service deployment. */
export interface HookAction {
  cluster: string;
  service: string;
  /** The spoke the service is in; absent at the hub's own account and Region. */
  site?: Site;
  pipeline?: string;
  stage: string;
  serviceDeploymentArn: string;
  targetServiceRevisionArn: string;
  taskDefinition?: string;
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  reason: string;
  findings?: Finding[];
}
export type HookOutcome = OutcomeOf<'hook', HookAction> & {
  hookStatus: HookAction['hookStatus'];
  callBackDelay?: number;
  /** An approval the hook asked for (posted like a promotion's). */
  promotion?: PromotionOutcome;
};

/** An event no use case owns (only `deckhand replay` can be handed one). */
export type UnroutedOutcome = OutcomeOf<'unrouted', never>;

export type Outcome =
  | DeployOutcome
  | ScanOutcome
  | AuditOutcome
  | DeploymentOutcome
  | TaskOutcome
  | AlarmOutcome
  | DriftOutcome
  | PromotionOutcome
  | HookOutcome
  | InteractionOutcome
  | UnroutedOutcome;

export type OutcomeKindName = Outcome['kind'];

const detailTypeOf = (input: unknown): string => {
  const value = (input as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value.slice(0, 128) : '(none)';
};

/** Bad input is permanent: log it once, naming the event and the field, act on nothing, never retry. */
export const rejected = <K extends OutcomeKindName>(
  kind: K,
  input: unknown,
  error: RejectedEventError,
  log: Log,
): OutcomeOf<K, never> => {
  log.warn('event rejected', { eventId: error.eventId, field: error.field, reason: error.message });
  return {
    kind,
    eventId: error.eventId,
    detailType: detailTypeOf(input),
    outcome: 'rejected',
    actions: [],
    reason: error.message,
  };
};
