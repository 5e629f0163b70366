/** `deckhand status` as lines: one JSON row per target (`--json`), or a block of text per target. */
import type { StatusView } from './view.ts';

/** One target as `deckhand status --json` prints it. */
export interface ServiceStatus {
  pipeline: string;
  account: string;
  region: string;
  cluster: string;
  service: string;
  state: string;
  taskDefinition?: string;
  digest?: string;
  tag?: string;
  lastRollout?: { digest: string; tag: string; status: string; at: string; reason?: string };
  paused?: { since: string; reason: string };
  /** The pipeline's newest unfinished promotion: waiting for its bake, for approvers, or approved. */
  promotion?: { tag: string; digest: string; status: string; approvals: string[]; expiresAt?: string };
  frozen?: { until: string; reason: string };
  /** Deploys a freeze holds back until it ends. */
  held?: { tag: string; digest: string; heldAt: string }[];
  /** The lifecycle hook's latest decision on the service. */
  admission?: { stage: string; hookStatus: string; reason: string; at: string };
  drift?: { since: string; kinds: string[]; fields: string[] };
}

export const statusRows = (view: StatusView): ServiceStatus[] =>
  view.pipelines.flatMap((pipeline) => {
    const promotion = pipeline.promotions.at(-1);
    return pipeline.targets.map((target): ServiceStatus => ({
      pipeline: pipeline.name,
      account: target.account,
      region: target.region,
      cluster: target.cluster,
      service: target.service,
      state: target.state,
      ...(target.taskDefinition ? { taskDefinition: target.taskDefinition } : {}),
      ...(target.deployed ? { digest: target.deployed.digest, tag: target.deployed.tag } : {}),
      ...(target.lastRollout
        ? {
            lastRollout: {
              digest: target.lastRollout.digest,
              tag: target.lastRollout.tag,
              status: target.lastRollout.status,
              at: target.lastRollout.at,
              ...(target.lastRollout.reason ? { reason: target.lastRollout.reason } : {}),
            },
          }
        : {}),
      ...(target.paused ? { paused: { since: target.paused.since, reason: target.paused.reason } } : {}),
      ...(promotion
        ? {
            promotion: {
              tag: promotion.tag,
              digest: promotion.digest,
              status: promotion.status,
              approvals: promotion.approvals,
              ...(promotion.expiresAt ? { expiresAt: promotion.expiresAt } : {}),
            },
          }
        : {}),
      ...(pipeline.frozen ? { frozen: pipeline.frozen } : {}),
      ...(pipeline.held.length > 0
        ? { held: pipeline.held.map(({ tag, digest, heldAt }) => ({ tag, digest, heldAt })) }
        : {}),
      ...(target.admission ? { admission: target.admission } : {}),
      ...(target.drift ? { drift: target.drift } : {}),
    }));
  });

export const statusText = (view: StatusView): string[] =>
  statusRows(view).map((row) =>
    [
      `${row.pipeline}  ${row.account} ${row.region}  ${row.cluster}/${row.service}${row.paused ? '  PAUSED' : ''}${row.frozen ? '  FROZEN' : ''}`,
      `  running   ${row.taskDefinition ?? '(service not found)'}`,
      `  deployed  ${row.tag ?? '-'} ${row.digest ?? ''}`.trimEnd(),
      `  last      ${row.lastRollout ? `${row.lastRollout.tag} ${row.lastRollout.status} at ${row.lastRollout.at}` : '-'}`,
      ...(row.paused ? [`  paused    since ${row.paused.since}: ${row.paused.reason}`] : []),
      ...(row.frozen ? [`  frozen    until ${row.frozen.until}: ${row.frozen.reason}`] : []),
      ...(row.held ?? []).map((h) => `  held      ${h.tag} ${h.digest} since ${h.heldAt}`),
      ...(row.drift
        ? [`  drift     since ${row.drift.since}: ${[...row.drift.kinds, ...row.drift.fields].join(', ')}`]
        : []),
      ...(row.admission
        ? [
            `  admission ${row.admission.hookStatus} at ${row.admission.stage} (${row.admission.at}): ${row.admission.reason}`,
          ]
        : []),
      ...(row.promotion
        ? [
            `  promotion ${row.promotion.tag} ${row.promotion.status}` +
              `${row.promotion.status === 'awaiting-approval' ? ` (approvals: ${row.promotion.approvals.join(', ') || 'none'}; expires ${row.promotion.expiresAt ?? '-'})` : ''}`,
          ]
        : []),
    ].join('\n'),
  );
