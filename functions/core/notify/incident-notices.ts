/** Notices about what went wrong around a rollout: crash loops, out-of-band changes, drift. */
import { resourceName } from '../arn.ts';
import { shortDigest } from '../image-ref.ts';
import type { AuditOutcome, DriftOutcome, DriftServiceReport, TaskOutcome } from '../outcome.ts';
import { serviceKeyOf } from '../sites.ts';
import { findingLine, type Notice, type NoticeContext, serviceLink, siteOf } from './notice-model.ts';

export const crashNotices = (outcome: TaskOutcome, context: NoticeContext): Notice[] =>
  outcome.actions
    .filter((a) => a.crashLoop)
    .map((action) => {
      const serviceKey = serviceKeyOf(action.cluster, action.service, action.site);
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
          serviceLink(context, action.cluster, action.service, action.site),
          ...(action.logsUrl ? [{ label: 'Logs', url: action.logsUrl }] : []),
        ],
        owner: { cluster: action.cluster, service: action.service, ...siteOf(action) },
      };
    });

export const auditNotices = (outcome: AuditOutcome, context: NoticeContext): Notice[] =>
  outcome.outcome !== 'alerted'
    ? []
    : outcome.actions.map((action) => ({
        trigger: 'out-of-band' as const,
        key: `audit#${outcome.eventId}#${action.resource}`,
        state: 'alerted',
        tone: action.findings.some((f) => f.status === 'fail') ? ('danger' as const) : ('warning' as const),
        title: `Out-of-band change: ${resourceName(action.resource)}`,
        summary: outcome.reason ?? 'A change made outside Deckhand breaks guardrails.',
        fields: [
          { label: 'Resource', value: action.resource },
          { label: 'Changed by', value: context.trigger },
          ...(action.remediation ? [{ label: 'Remediation', value: action.remediation }] : []),
        ],
        details: action.findings.filter((f) => f.status !== 'pass' && f.mode !== 'audit').map(findingLine),
        links:
          action.cluster && action.service
            ? [serviceLink(context, action.cluster, action.service, action.site)]
            : [],
        owner: {
          ...(action.cluster ? { cluster: action.cluster } : {}),
          ...(action.service ? { service: action.service } : {}),
          ...siteOf(action),
          ...(action.serviceTags ? { tags: action.serviceTags } : {}),
        },
      }));

const driftLine = (report: DriftServiceReport): string[] =>
  report.change === 'resolved'
    ? [`${report.cluster}/${report.service} (${report.pipeline}): resolved`]
    : report.drift.map(
        (d) =>
          `${report.cluster}/${report.service} (${report.pipeline}) ${report.change}: ${d.kind} drift, expected ${d.expected}, running ${d.actual}` +
          `${d.fields.length > 0 && d.kind === 'config' ? `; fields ${d.fields.join(', ')}` : ''}` +
          `${d.actor ? `; changed by ${d.actor}` : ''}${report.reconciled ? `; ${report.reconciled}` : ''}; since ${d.since}`,
      );

/** One digest per team, listing only drift that is new, changed or resolved since the last report. */
export const driftNotices = (outcome: DriftOutcome, context: NoticeContext): Notice[] => {
  const told = outcome.actions.filter((r) => r.change !== 'unchanged');
  return [...Map.groupBy(told, (r) => r.team ?? `pipeline:${r.pipeline}`)].map(([group, reports]) => {
    const open = reports.filter((r) => r.change !== 'resolved');
    return {
      trigger: 'drift' as const,
      key: `drift#${group}#${outcome.eventId}`,
      state: 'report',
      tone: open.length > 0 ? ('warning' as const) : ('success' as const),
      title: open.length > 0 ? `Drift in ${open.length} service(s)` : 'Drift resolved',
      summary: 'What runs is not what Deckhand deployed:',
      fields: [{ label: 'Checked by', value: context.trigger }],
      details: reports.flatMap(driftLine),
      links: reports
        .slice(0, 5)
        .map((r) => ({ ...serviceLink(context, r.cluster, r.service), label: r.service })),
      owner: { pipeline: (reports[0] as DriftServiceReport).pipeline },
    };
  });
};
