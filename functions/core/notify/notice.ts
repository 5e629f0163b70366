/**
 * The message model: what Deckhand tells a team, as plain data built from a use case's outcome. Rendering
 * (Slack Block Kit, escaping, limits) is separate, so both are pure and easy to test.
 */
import type { NotifyTrigger } from '../config.ts';
import type { Finding } from '../guardrails/types.ts';
import { shortDigest } from '../image-ref.ts';
import type { Outcome } from '../outcome.ts';

export type Tone = 'info' | 'success' | 'warning' | 'danger';

export interface Notice {
  trigger: NotifyTrigger;
  /** Identity for dedupe: the same key and state is never sent twice. */
  key: string;
  state: string;
  /** Messages about one rollout share this, so a Web API message is updated in place. */
  thread?: string;
  tone: Tone;
  /** Plain text; every string is escaped when rendered. */
  title: string;
  summary: string;
  fields: { label: string; value: string }[];
  details: string[];
  links: { label: string; url: string }[];
  owner: { pipeline?: string; cluster?: string; service?: string };
  /** For enrichment from the ledger: the rollout this notice is about. */
  rollout?: { serviceKey: string; digest: string };
}

export interface NoticeContext {
  region: string;
  /** Who or what set this off: a push, an alarm, a person's role. */
  trigger: string;
}

const clusterName = (cluster: string) => cluster.slice(cluster.lastIndexOf('/') + 1);
export const ecsServiceUrl = (region: string, cluster: string, service: string): string =>
  `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(clusterName(cluster))}/services/${encodeURIComponent(service)}/health?region=${region}`;
const revision = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '-');

const findingLine = (f: Finding) =>
  `${f.status.toUpperCase()} ${f.rule} [${f.severity}]${f.container ? ` ${f.container}:` : ''} ${f.message}`;

interface DeployLike {
  pipeline: string;
  cluster: string;
  service: string;
  image: string;
  tag?: string;
  status: string;
  from?: string;
  to?: string;
  reason?: string;
  findings?: Finding[];
  expiredWaivers?: string[];
}

const deployStates: Record<string, { tone: Tone; verb: string } | undefined> = {
  deployed: { tone: 'info', verb: 'rolling out' },
  failed: { tone: 'danger', verb: 'failed to deploy' },
  blocked: { tone: 'danger', verb: 'blocked by guardrails' },
  pending: { tone: 'warning', verb: 'waiting for its image scan' },
  paused: { tone: 'warning', verb: 'not deployed: automation paused' },
};

const deployNotices = (outcome: Outcome, context: NoticeContext): Notice[] =>
  (outcome.actions as DeployLike[]).flatMap((action) => {
    const state = deployStates[action.status];
    if (!state) return [];
    const digest = action.image.slice(action.image.indexOf('@') + 1);
    const repository = action.image.slice(action.image.lastIndexOf('/') + 1, action.image.indexOf('@'));
    const tagged = `${repository}:${action.tag ?? '?'} (${shortDigest(digest)})`;
    const serviceKey = `${clusterName(action.cluster)}/${action.service}`;
    const failing = (action.findings ?? []).filter((f) => f.status !== 'pass');
    const blocked = action.status === 'blocked';
    const details = [
      ...failing.map(findingLine),
      ...(action.expiredWaivers?.length
        ? [`Expired waivers ignored: ${action.expiredWaivers.join(', ')}`]
        : []),
      ...(blocked
        ? [
            `To waive: add to guardrails.waivers {id, rules: [${[...new Set(failing.filter((f) => f.status === 'fail').map((f) => f.rule))].join(', ')}], match: {services: [${action.service}]}, reason, owner, expires}`,
          ]
        : []),
    ];
    return [
      {
        trigger: blocked && failing.some((f) => f.rule !== 'IMG-003') ? 'guardrail' : 'deploy',
        key: `rollout#${serviceKey}#${digest}`,
        state: action.status,
        thread: `rollout#${serviceKey}#${digest}`,
        tone: failing.some((f) => f.status === 'warn') && state.tone === 'info' ? 'warning' : state.tone,
        title: `${action.service}: ${tagged} ${state.verb}`,
        summary: action.reason ?? `Deploying ${action.image} to ${serviceKey} (pipeline ${action.pipeline}).`,
        fields: [
          { label: 'Service', value: serviceKey },
          { label: 'Pipeline', value: action.pipeline },
          { label: 'Image', value: tagged },
          { label: 'Revision', value: `${revision(action.from)} → ${action.to ? revision(action.to) : '-'}` },
          { label: 'Triggered by', value: context.trigger },
        ],
        details,
        links: [{ label: 'ECS service', url: ecsServiceUrl(context.region, action.cluster, action.service) }],
        owner: { pipeline: action.pipeline, cluster: action.cluster, service: action.service },
        rollout: { serviceKey, digest },
      },
    ];
  });

interface FollowLike {
  cluster: string;
  service: string;
  digest?: string;
  status: string;
  byDeckhand: boolean;
  reason?: string;
  deploymentId?: string;
}

const followStates: Record<string, Tone | undefined> = {
  succeeded: 'success',
  failed: 'danger',
  'rolled-back': 'danger',
  'rolling-back': 'warning',
};

const followNotices = (outcome: Outcome, context: NoticeContext): Notice[] =>
  (outcome.actions as FollowLike[]).flatMap((action): Notice[] => {
    const serviceKey = `${clusterName(action.cluster)}/${action.service}`;
    const link = { label: 'ECS service', url: ecsServiceUrl(context.region, action.cluster, action.service) };
    const tone = followStates[action.status];
    if (action.byDeckhand && action.digest && tone) {
      return [
        {
          trigger: 'deploy',
          key: `rollout#${serviceKey}#${action.digest}`,
          state: action.status,
          thread: `rollout#${serviceKey}#${action.digest}`,
          tone,
          title: `${action.service}: rollout ${action.status}`,
          summary: action.reason ?? action.status,
          fields: [
            { label: 'Service', value: serviceKey },
            { label: 'Deployment', value: action.deploymentId ?? '-' },
          ],
          details: [],
          links: [link],
          owner: { cluster: action.cluster, service: action.service },
          rollout: { serviceKey, digest: action.digest },
        },
      ];
    }
    if (outcome.outcome !== 'alerted') return [];
    return [
      {
        trigger: 'deploy',
        key: `event#${outcome.eventId}#${serviceKey}`,
        state: action.status,
        tone: 'warning',
        title: `${action.service}: ${action.status}`,
        summary: action.reason ?? action.status,
        fields: [{ label: 'Service', value: serviceKey }],
        details: [],
        links: [link],
        owner: { cluster: action.cluster, service: action.service },
      },
    ];
  });

interface CrashLike {
  cluster: string;
  service: string;
  crashLoop: boolean;
  classification: { kind: string; exitCodes: Record<string, number>; reasons: string[] };
  digest?: string;
  failingStops?: number;
  window?: string;
  logsUrl?: string;
}

const crashNotices = (outcome: Outcome, context: NoticeContext): Notice[] =>
  (outcome.actions as CrashLike[])
    .filter((a) => a.crashLoop)
    .map((action) => {
      const serviceKey = `${clusterName(action.cluster)}/${action.service}`;
      const codes = Object.entries(action.classification.exitCodes)
        .map(([name, code]) => `${name}=${code}`)
        .join(', ');
      return {
        trigger: 'crash-loop' as const,
        key: `crashloop#${serviceKey}#${outcome.eventId}`,
        state: 'alerted',
        tone: 'danger' as const,
        title: `${action.service}: crash loop (${action.classification.kind})`,
        summary: `${action.failingStops ?? '?'} failing task stops in ${action.window ?? '?'}.`,
        fields: [
          { label: 'Service', value: serviceKey },
          { label: 'Kind', value: action.classification.kind },
          { label: 'Exit codes', value: codes || '-' },
          { label: 'Image digest', value: action.digest ? shortDigest(action.digest) : '-' },
        ],
        details: action.classification.reasons.map((r) => `Stopped: ${r}`),
        links: [
          { label: 'ECS service', url: ecsServiceUrl(context.region, action.cluster, action.service) },
          ...(action.logsUrl ? [{ label: 'Logs', url: action.logsUrl }] : []),
        ],
        owner: { cluster: action.cluster, service: action.service },
      };
    });

interface AlarmLike {
  pipeline: string;
  cluster: string;
  service: string;
  status: string;
  from?: string;
  to?: string;
  digest?: string;
  reason: string;
}

const alarmNotices = (outcome: Outcome, context: NoticeContext): Notice[] =>
  (outcome.actions as AlarmLike[])
    .filter((a) => a.status !== 'already-rolled-back')
    .map((action) => {
      const serviceKey = `${clusterName(action.cluster)}/${action.service}`;
      const rolled = action.status === 'rolled-back';
      return {
        trigger: 'alarm' as const,
        key:
          rolled && action.digest
            ? `rollout#${serviceKey}#${action.digest}`
            : `alarm#${outcome.eventId}#${serviceKey}`,
        state: action.status,
        ...(rolled && action.digest ? { thread: `rollout#${serviceKey}#${action.digest}` } : {}),
        tone: rolled || action.status === 'no-known-good' ? ('danger' as const) : ('warning' as const),
        title: rolled ? `${action.service}: rolled back after an alarm` : `${action.service}: alarm`,
        summary: action.reason,
        fields: [
          { label: 'Service', value: serviceKey },
          { label: 'Pipeline', value: action.pipeline },
          ...(rolled
            ? [{ label: 'Revision', value: `${revision(action.from)} → ${revision(action.to)}` }]
            : []),
          { label: 'Triggered by', value: context.trigger },
        ],
        details: rolled
          ? [
              `Automation is paused for ${action.pipeline} on ${serviceKey}: run deckhand resume ${action.pipeline}`,
            ]
          : [],
        links: [{ label: 'ECS service', url: ecsServiceUrl(context.region, action.cluster, action.service) }],
        owner: { pipeline: action.pipeline, cluster: action.cluster, service: action.service },
        ...(action.digest ? { rollout: { serviceKey, digest: action.digest } } : {}),
      };
    });

interface AuditLike {
  resource: string;
  cluster?: string;
  service?: string;
  findings: Finding[];
  remediation?: string;
}

const auditNotices = (outcome: Outcome, context: NoticeContext): Notice[] =>
  outcome.outcome !== 'alerted'
    ? []
    : (outcome.actions as AuditLike[]).map((action) => ({
        trigger: 'out-of-band' as const,
        key: `audit#${outcome.eventId}#${action.resource}`,
        state: 'alerted',
        tone: action.findings.some((f) => f.status === 'fail') ? ('danger' as const) : ('warning' as const),
        title: `Out-of-band change: ${action.resource.slice(action.resource.lastIndexOf('/') + 1)}`,
        summary: outcome.reason ?? 'A change made outside Deckhand breaks guardrails.',
        fields: [
          { label: 'Resource', value: action.resource },
          { label: 'Changed by', value: context.trigger },
          ...(action.remediation ? [{ label: 'Remediation', value: action.remediation }] : []),
        ],
        details: action.findings.filter((f) => f.status !== 'pass' && f.mode !== 'audit').map(findingLine),
        links:
          action.cluster && action.service
            ? [{ label: 'ECS service', url: ecsServiceUrl(context.region, action.cluster, action.service) }]
            : [],
        owner: {
          ...(action.cluster ? { cluster: action.cluster } : {}),
          ...(action.service ? { service: action.service } : {}),
        },
      }));

interface DriftReportLike {
  pipeline: string;
  team?: string;
  cluster: string;
  service: string;
  change: string;
  reconciled?: string;
  drift: {
    kind: string;
    expected: string;
    actual: string;
    fields: string[];
    actor?: string;
    since: string;
  }[];
}

/** One digest per team, listing only drift that is new, changed or resolved since the last report. */
const driftNotices = (outcome: Outcome, context: NoticeContext): Notice[] => {
  const told = (outcome.actions as DriftReportLike[]).filter((r) => r.change !== 'unchanged');
  return [...Map.groupBy(told, (r) => r.team ?? `pipeline:${r.pipeline}`)].map(([group, reports]) => {
    const first = reports[0] as DriftReportLike;
    const open = reports.filter((r) => r.change !== 'resolved');
    return {
      trigger: 'drift' as const,
      key: `drift#${group}#${outcome.eventId}`,
      state: 'report',
      tone: open.length > 0 ? ('warning' as const) : ('success' as const),
      title: open.length > 0 ? `Drift in ${open.length} service(s)` : 'Drift resolved',
      summary: 'What runs is not what Deckhand deployed:',
      fields: [{ label: 'Checked by', value: context.trigger }],
      details: reports.flatMap((r) =>
        r.change === 'resolved'
          ? [`${r.cluster}/${r.service} (${r.pipeline}): resolved`]
          : r.drift.map(
              (d) =>
                `${r.cluster}/${r.service} (${r.pipeline}) ${r.change}: ${d.kind} drift, expected ${d.expected}, running ${d.actual}` +
                `${d.fields.length > 0 && d.kind === 'config' ? `; fields ${d.fields.join(', ')}` : ''}` +
                `${d.actor ? `; changed by ${d.actor}` : ''}${r.reconciled ? `; ${r.reconciled}` : ''}; since ${d.since}`,
            ),
      ),
      links: reports
        .slice(0, 5)
        .map((r) => ({ label: `${r.service}`, url: ecsServiceUrl(context.region, r.cluster, r.service) })),
      owner: ownerOf(first),
    };
  });
};

const ownerOf = (report: DriftReportLike) => ({ pipeline: report.pipeline });

/** Every notice an outcome warrants; nested outcomes (a scan resuming pushes) are flattened. */
export const noticesFor = (outcome: Outcome, context: NoticeContext): Notice[] => {
  switch (outcome.detailType) {
    case 'ECR Image Action':
      return deployNotices(outcome, context);
    case 'ECR Image Scan':
    case 'Inspector2 Scan':
      return (outcome.actions as Outcome[]).flatMap((inner) => noticesFor(inner, context));
    case 'ECS Deployment State Change':
    case 'ECS Service Action':
      return followNotices(outcome, context);
    case 'ECS Task State Change':
      return crashNotices(outcome, context);
    case 'CloudWatch Alarm State Change':
      return alarmNotices(outcome, context);
    case 'AWS API Call via CloudTrail':
      return auditNotices(outcome, context);
    case 'Deckhand Drift Report':
      return driftNotices(outcome, context);
    default:
      return [];
  }
};

/** Region and trigger of a raw event, for links and the "triggered by" line. */
export const noticeContextOf = (event: unknown): NoticeContext => {
  const raw = (event ?? {}) as {
    region?: unknown;
    'detail-type'?: unknown;
    detail?: Record<string, unknown>;
  };
  const detail = raw.detail ?? {};
  const region = typeof raw.region === 'string' ? raw.region : 'us-east-1';
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  switch (raw['detail-type']) {
    case 'ECR Image Action':
      return { region, trigger: `ECR push ${text(detail['repository-name'])}:${text(detail['image-tag'])}` };
    case 'CloudWatch Alarm State Change':
      return { region, trigger: `alarm ${text(detail.alarmName)}` };
    case 'AWS API Call via CloudTrail': {
      const identity = (detail.userIdentity ?? {}) as {
        arn?: unknown;
        sessionContext?: { sessionIssuer?: { arn?: unknown } };
      };
      return {
        region,
        trigger: text(identity.sessionContext?.sessionIssuer?.arn) || text(identity.arn) || 'unknown caller',
      };
    }
    default:
      return { region, trigger: text(raw['detail-type']) || 'event' };
  }
};
