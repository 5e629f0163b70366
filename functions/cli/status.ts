/** `deckhand status [pipeline]` and `deckhand resume <pipeline>`: what each service runs, and un-pausing. */
import { ConfigError } from '#core/errors.ts';
import { freezeOf } from '#core/freeze/active.ts';
import { placeOf, serviceKeyOf, siteOfTarget } from '#core/sites.ts';
import { wireCli } from './session.ts';

export interface ServiceStatus {
  pipeline: string;
  account: string;
  region: string;
  cluster: string;
  service: string;
  taskDefinition?: string;
  digest?: string;
  tag?: string;
  lastRollout?: { digest: string; tag: string; status: string; at: string; reason?: string };
  paused?: { since: string; reason: string };
  /** The pipeline's newest unfinished promotion: waiting for its bake, for approvers, or approved. */
  promotion?: { tag: string; digest: string; status: string; approvals: string[]; expiresAt?: string };
  frozen?: { until: string; reason: string };
  /** The lifecycle hook's latest decision on the service. */
  admission?: { stage: string; hookStatus: string; reason: string; at: string };
}

const selected = async (configPath: string | undefined, pipeline: string | undefined) => {
  const deps = await wireCli(configPath);
  const pipelines = deps.config.pipelines.filter((p) => !pipeline || p.name === pipeline);
  if (pipeline && pipelines.length === 0)
    throw new ConfigError('(config)', [`no pipeline named ${pipeline}`]);
  return { deps, pipelines };
};

export const status = async (
  options: { pipeline?: string; config?: string; json: boolean },
  write: (line: string) => void,
): Promise<number> => {
  const { deps, pipelines } = await selected(options.config, options.pipeline);
  const rows: ServiceStatus[] = [];
  const [open, freezes] = await Promise.all([deps.ledger.promotions.open(), deps.ledger.freezes.list()]);
  for (const pipeline of pipelines) {
    const promotion = open.filter((p) => p.pipeline === pipeline.name).at(-1);
    const frozen = freezeOf(deps.config, pipeline, freezes, deps.clock.now());
    for (const target of pipeline.targets) {
      const site = siteOfTarget(deps, target);
      const serviceKey = serviceKeyOf(target.cluster, target.service, site);
      const [snapshots, head, rollouts, pause, admissions] = await Promise.all([
        deps.ecs.describeServices(target.cluster, [target.service], site),
        deps.ledger.heads.get(serviceKey),
        deps.ledger.rollouts.list(serviceKey),
        deps.ledger.pauses.get(serviceKey),
        deps.ledger.admissions.list(serviceKey),
      ]);
      const admission = admissions[0];
      const last = rollouts.filter((r) => r.pipeline === pipeline.name).at(-1);
      const taskDefinition = snapshots.get(target.service)?.taskDefinition;
      rows.push({
        pipeline: pipeline.name,
        ...placeOf(deps, site),
        cluster: target.cluster,
        service: target.service,
        ...(taskDefinition ? { taskDefinition } : {}),
        ...(head ? { digest: head.digest, tag: head.tag } : {}),
        ...(last
          ? {
              lastRollout: {
                digest: last.digest,
                tag: last.tag,
                status: last.status,
                at: last.updatedAt,
                ...(last.reason ? { reason: last.reason } : {}),
              },
            }
          : {}),
        ...(pause ? { paused: { since: pause.pausedAt, reason: pause.reason } } : {}),
        ...(promotion
          ? {
              promotion: {
                tag: promotion.tag,
                digest: promotion.digest,
                status: promotion.status,
                approvals: promotion.approvals.map((a) => a.approver),
                ...(promotion.expiresAt ? { expiresAt: promotion.expiresAt } : {}),
              },
            }
          : {}),
        ...(frozen ? { frozen: { until: frozen.until.toISOString(), reason: frozen.reason } } : {}),
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
      });
    }
  }
  if (options.json) {
    for (const row of rows) write(JSON.stringify(row));
    return 0;
  }
  for (const row of rows) {
    write(
      [
        `${row.pipeline}  ${row.account} ${row.region}  ${row.cluster}/${row.service}${row.paused ? '  PAUSED' : ''}${row.frozen ? '  FROZEN' : ''}`,
        `  running   ${row.taskDefinition ?? '(service not found)'}`,
        `  deployed  ${row.tag ?? '-'} ${row.digest ?? ''}`.trimEnd(),
        `  last      ${row.lastRollout ? `${row.lastRollout.tag} ${row.lastRollout.status} at ${row.lastRollout.at}` : '-'}`,
        ...(row.paused ? [`  paused    since ${row.paused.since}: ${row.paused.reason}`] : []),
        ...(row.frozen ? [`  frozen    until ${row.frozen.until}: ${row.frozen.reason}`] : []),
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
  }
  return 0;
};

export const resume = async (
  options: { pipeline: string; config?: string },
  write: (line: string) => void,
): Promise<number> => {
  const { deps, pipelines } = await selected(options.config, options.pipeline);
  let resumed = 0;
  for (const target of pipelines.flatMap((p) => p.targets)) {
    const serviceKey = serviceKeyOf(target.cluster, target.service, siteOfTarget(deps, target));
    const pause = await deps.ledger.pauses.get(serviceKey);
    if (pause?.pipeline !== options.pipeline) continue;
    await deps.ledger.pauses.delete(serviceKey);
    write(`resumed ${options.pipeline} on ${serviceKey} (paused since ${pause.pausedAt}: ${pause.reason})`);
    resumed += 1;
  }
  if (resumed === 0) write(`${options.pipeline} was not paused anywhere`);
  return 0;
};
