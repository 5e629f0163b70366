/**
 * What Deckhand shows about each pipeline and target, as one plain view model: `deckhand status` (text, JSON,
 * HTML) and the dashboard's custom widget render it. Built from the ledger's records and ECS's describe
 * results only; nothing here reads or writes anything.
 */
import type { DeckhandConfig } from '../config.ts';
import type { ActiveFreeze } from '../freeze/active.ts';
import type { ServiceSnapshot } from '../ports/ecs.ts';
import type {
  AdmissionRecord,
  DriftState,
  HeldDeploy,
  Pause,
  Promotion,
  RolloutRecord,
  RolloutStatus,
  ServiceHead,
} from '../ports/records.ts';
import { approvalFor } from '../promotions/actions.ts';
import { type Home, placeOf, serviceKeyOf, type Site, siteOfTarget } from '../sites.ts';

/** `sha256:` and the first 12 hex digits, as `docker images` shows them. */
export const shortDigest = (digest: string): string =>
  digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');

export interface ImageView {
  tag: string;
  digest: string;
  shortDigest: string;
}

/** One word per target, for a badge: the most pressing thing about it. */
export type TargetState =
  'missing' | 'paused' | 'failed' | 'rolled-back' | 'rolling' | 'drifted' | 'blocked' | 'healthy' | 'idle';

export interface TargetView {
  /** Where the service is: the hub's account and Region, or a spoke's. */
  account: string;
  region: string;
  cluster: string;
  service: string;
  serviceKey: string;
  state: TargetState;
  /** What ECS runs now (absent: the service was not found). */
  taskDefinition?: string;
  /** What Deckhand last rolled out (the head). */
  deployed?: ImageView & { at: string };
  lastRollout?: ImageView & { status: RolloutStatus; at: string; reason?: string };
  paused?: { since: string; reason: string; digest: string };
  admission?: { stage: string; hookStatus: string; reason: string; at: string };
  /** The last drift report's finding, until a report finds none. */
  drift?: { since: string; kinds: string[]; fields: string[] };
}

export interface PromotionView extends ImageView {
  pipeline: string;
  source: string;
  status: Promotion['status'];
  approvals: string[];
  required?: number;
  dueAt?: string;
  expiresAt?: string;
}

export interface PipelineView {
  name: string;
  repository?: string;
  /** A promote pipeline's source. */
  promotesFrom?: string;
  frozen?: { until: string; reason: string };
  held: (ImageView & { heldAt: string; reason: string })[];
  /** Unfinished promotions into this pipeline, oldest first. */
  promotions: PromotionView[];
  targets: TargetView[];
}

export interface StatusView {
  generatedAt: string;
  pipelines: PipelineView[];
  /** Every promotion awaiting approval, pipelines' and pause hooks' alike: the dashboard's buttons. */
  approvals: PromotionView[];
}

/** What the view is built from, per target: the ledger's records and ECS's snapshot. */
export interface TargetFacts {
  snapshot: ServiceSnapshot | undefined;
  head: ServiceHead | undefined;
  rollouts: RolloutRecord[];
  pause: Pause | undefined;
  admissions: AdmissionRecord[];
  drift: DriftState | undefined;
}

export interface StatusFacts {
  config: DeckhandConfig;
  home: Home;
  pipelines: string[];
  now: Date;
  open: Promotion[];
  held: HeldDeploy[];
  frozen: Map<string, ActiveFreeze>;
  targets: Map<string, TargetFacts>;
}

const image = (tag: string, digest: string): ImageView => ({ tag, digest, shortDigest: shortDigest(digest) });

/** The drift store keeps a fingerprint: JSON of [kind, expected, actual, fields] per finding. */
const driftOf = (state: DriftState): NonNullable<TargetView['drift']> => {
  let findings: unknown;
  try {
    findings = JSON.parse(state.fingerprint);
  } catch {
    findings = [];
  }
  const rows: unknown[][] = Array.isArray(findings)
    ? findings.filter((row): row is unknown[] => Array.isArray(row))
    : [];
  const strings = (values: unknown[]) => [
    ...new Set(values.filter((v): v is string => typeof v === 'string')),
  ];
  return {
    since: state.since,
    kinds: strings(rows.map((row) => row[0])),
    fields: strings(rows.flatMap((row): unknown[] => (Array.isArray(row[3]) ? (row[3] as unknown[]) : []))),
  };
};

const stateOf = (target: Omit<TargetView, 'state'>): TargetState => {
  if (!target.taskDefinition) return 'missing';
  if (target.paused) return 'paused';
  const last = target.lastRollout?.status;
  if (last === 'failed' || last === 'rolled-back') return last;
  if (last === 'claimed' || last === 'registered' || last === 'rolling') return 'rolling';
  if (target.drift) return 'drifted';
  if (last === 'blocked' || last === 'pending') return 'blocked';
  return target.deployed ? 'healthy' : 'idle';
};

const targetView = (
  {
    cluster,
    service,
    site,
    place,
  }: { cluster: string; service: string; site: Site | undefined; place: Home },
  pipeline: string,
  facts: TargetFacts,
): TargetView => {
  const serviceKey = serviceKeyOf(cluster, service, site);
  const last = facts.rollouts.filter((r) => r.pipeline === pipeline).at(-1);
  const admission = facts.admissions[0];
  const view: Omit<TargetView, 'state'> = {
    ...place,
    cluster,
    service,
    serviceKey,
    ...(facts.snapshot ? { taskDefinition: facts.snapshot.taskDefinition } : {}),
    ...(facts.head
      ? { deployed: { ...image(facts.head.tag, facts.head.digest), at: facts.head.updatedAt } }
      : {}),
    ...(last
      ? {
          lastRollout: {
            ...image(last.tag, last.digest),
            status: last.status,
            at: last.updatedAt,
            ...(last.reason ? { reason: last.reason } : {}),
          },
        }
      : {}),
    ...(facts.pause
      ? { paused: { since: facts.pause.pausedAt, reason: facts.pause.reason, digest: facts.pause.digest } }
      : {}),
    ...(admission
      ? {
          admission: {
            stage: admission.stage,
            hookStatus: admission.hookStatus,
            reason: admission.reason,
            at: admission.at,
          },
        }
      : {}),
    ...(facts.drift ? { drift: driftOf(facts.drift) } : {}),
  };
  return { ...view, state: stateOf(view) };
};

const promotionView = (config: DeckhandConfig, promotion: Promotion): PromotionView => {
  const approval = approvalFor(config, promotion.pipeline);
  return {
    pipeline: promotion.pipeline,
    source: promotion.source,
    ...image(promotion.tag, promotion.digest),
    status: promotion.status,
    approvals: promotion.approvals.map((a) => a.approver),
    ...(approval ? { required: approval.required } : {}),
    ...(promotion.dueAt ? { dueAt: promotion.dueAt } : {}),
    ...(promotion.expiresAt ? { expiresAt: promotion.expiresAt } : {}),
  };
};

const noFacts: TargetFacts = {
  snapshot: undefined,
  head: undefined,
  rollouts: [],
  pause: undefined,
  admissions: [],
  drift: undefined,
};

/** The key `StatusFacts.targets` uses for a pipeline's target. */
export const factsKey = (pipeline: string, serviceKey: string): string => `${pipeline}|${serviceKey}`;

export const buildStatusView = (facts: StatusFacts): StatusView => {
  const { config, now } = facts;
  const nowIso = now.toISOString();
  const pipelines = config.pipelines
    .filter((p) => facts.pipelines.includes(p.name))
    .map((pipeline): PipelineView => {
      const frozen = facts.frozen.get(pipeline.name);
      return {
        name: pipeline.name,
        ...(pipeline.repository ? { repository: pipeline.repository } : {}),
        ...(pipeline.promote ? { promotesFrom: pipeline.promote.from } : {}),
        ...(frozen ? { frozen: { until: frozen.until.toISOString(), reason: frozen.reason } } : {}),
        held: facts.held
          .filter((h) => h.pipeline === pipeline.name)
          .map((h) => ({ ...image(h.tag, h.digest), heldAt: h.heldAt, reason: h.reason })),
        promotions: facts.open
          .filter((p) => p.pipeline === pipeline.name)
          .map((p) => promotionView(config, p)),
        targets: pipeline.targets.map((t) => {
          const site = siteOfTarget(facts, t);
          const key = factsKey(pipeline.name, serviceKeyOf(t.cluster, t.service, site));
          return targetView(
            { cluster: t.cluster, service: t.service, site, place: placeOf(facts, site) },
            pipeline.name,
            facts.targets.get(key) ?? noFacts,
          );
        }),
      };
    });
  const shown = new Set(pipelines.map((p) => p.name));
  const approvals = facts.open
    .filter((p) => p.status === 'awaiting-approval' && !(p.expiresAt && p.expiresAt <= nowIso))
    // A pause hook's approval belongs to no pipeline: shown whenever every pipeline is.
    .filter((p) => shown.has(p.pipeline) || shown.size === config.pipelines.length)
    .map((p) => promotionView(config, p));
  return { generatedAt: nowIso, pipelines, approvals };
};
