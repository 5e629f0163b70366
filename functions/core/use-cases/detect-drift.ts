/**
 * Drift: what runs against what Deckhand deployed, for every pipeline target.
 *
 * Primary course:
 *  1. Read every target service (DescribeServices, 10 per call, per cluster) and its ledger head and rollouts.
 *  2. Revision drift: the service runs another revision than the head, and no rollback explains it.
 *  3. Image drift: a targeted container's image is not the digest Deckhand pinned.
 *  4. Config drift: the running revision differs from Deckhand's in any other field (normalised paths).
 *  5. Stuck: a rolling deployment IN_PROGRESS longer than `drift.stuckAfter`.
 *  6. Name the actor from the out-of-band changes the guardrail handler recorded, where there is one.
 *  7. Compare with the last report (ledger): mark each drift new, changed or unchanged, and drift that
 *     disappeared as resolved. Reconcile pipelines that ask for it by redeploying the head's revision.
 *
 * Task definitions are described once per revision per run; desiredCount is drift only when configured.
 */
import { resourceName } from '../arn.ts';
import type { DeckhandConfig, PipelineConfig, TargetConfig } from '../config.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { errorMessage } from '../errors.ts';
import { pinnedImage } from '../image-ref.ts';
import type { DriftItem, DriftKind, DriftOutcome, DriftServiceReport } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { DescribedTaskDefinition, EcsPort, ServiceSnapshot } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { ServiceHead } from '../ports/records.ts';
import type { Ledger } from '../ports/stores.ts';
import { diffTaskDefinitions } from '../drift/diff.ts';
import { parseDuration } from '../rollouts/duration.ts';
import { rollService } from '../rollouts/roll-service.ts';
import { type Home, serviceKeyOf, type Site, siteOfTarget } from '../sites.ts';
import { familyRevision } from '../task-definition.ts';

export interface DriftDeps {
  config: DeckhandConfig;
  home: Home;
  ecs: EcsPort;
  ledger: Pick<Ledger, 'reads' | 'heads' | 'rollouts' | 'audits' | 'drift'>;
  clock: Clock;
  log: Log;
}

export const detectDrift = async (
  deps: DriftDeps,
  eventId = 'drift-check',
  options: { reconcile?: boolean } = {},
): Promise<DriftOutcome> => {
  const { config, ecs, ledger, clock } = deps;
  const now = clock.now();
  const stuckMs = parseDuration(config.drift.stuckAfter) ?? 30 * 60_000;
  const described = new Map<string, Promise<DescribedTaskDefinition>>();
  const describeAt = (site: Site | undefined) => (taskDefinition: string) => {
    const key = serviceKeyOf('', familyRevision(taskDefinition), site);
    let hit = described.get(key);
    if (!hit) {
      hit = ecs.describeTaskDefinition(taskDefinition, site);
      described.set(key, hit);
    }
    return hit;
  };
  const targets = config.pipelines.flatMap((pipeline) =>
    pipeline.targets.map((target) => ({ pipeline, target, site: siteOfTarget(deps, target) })),
  );
  const keys = targets.map(({ target, site }) => serviceKeyOf(target.cluster, target.service, site));
  // Every service and every record the sweep needs, read together: batches, not a call per service.
  const [snapshots, view] = await Promise.all([
    describeAll(targets, ecs),
    ledger.reads.read({ heads: keys, drift: keys }),
  ]);

  const checked = await mapWithConcurrency(targets, 16, async ({ pipeline, target, site }, index) => {
    const serviceKey = keys[index] ?? '';
    const base = {
      pipeline: pipeline.name,
      ...(pipeline.team ? { team: pipeline.team } : {}),
      cluster: resourceName(target.cluster),
      service: target.service,
      ...(site ? { site } : {}),
    };
    const snapshot = snapshots.get(serviceKey);
    const head = view.heads.get(serviceKey);
    let drift: DriftItem[] = [];
    if (snapshot && head) {
      try {
        drift = await driftOf(pipeline, target.containers, snapshot, head.taskDefinition, head.digest, {
          ...deps,
          describe: describeAt(site),
          now,
          stuckMs,
          base,
          serviceKey,
        });
      } catch (error) {
        deps.log.warn('drift not checked', { serviceKey, error: errorMessage(error) });
      }
    }
    const previous = view.drift.get(serviceKey);
    const fingerprint = JSON.stringify(
      drift.map(({ kind, expected, actual, fields }) => [kind, expected, actual, fields]),
    );
    if (drift.length === 0) {
      if (!previous) return undefined;
      await ledger.drift.delete(serviceKey);
      return { ...base, change: 'resolved', drift: [] } satisfies DriftServiceReport;
    }
    const since = previous?.since ?? now.toISOString();
    drift = drift.map((item) => ({ ...item, since }));
    const change = !previous ? 'new' : previous.fingerprint === fingerprint ? 'unchanged' : 'changed';
    if (change !== 'unchanged') await ledger.drift.put(serviceKey, { fingerprint, since });
    const report: DriftServiceReport = { ...base, change, drift };
    if ((pipeline.reconcile || options.reconcile) && head && drift.some((d) => d.kind !== 'stuck'))
      report.reconciled = await reconcile(head, { ...target, site }, eventId, deps);
    return report;
  });
  const reports = checked.filter((report) => report !== undefined);
  const all = reports.flatMap((r) => r.drift);
  return {
    kind: 'drift',
    eventId,
    detailType: 'Deckhand Drift Report',
    outcome: all.length > 0 ? 'alerted' : 'recorded',
    actions: reports,
    drift: all,
    reason: `${all.length} drift(s) across ${new Set(all.map((d) => `${d.cluster}/${d.service}`)).size} service(s)`,
  };
};

type Target = { pipeline: PipelineConfig; target: TargetConfig; site: Site | undefined };

/** Every target service, by service key: DescribeServices per cluster, the clusters at once (ECS paces). */
const describeAll = async (targets: readonly Target[], ecs: EcsPort) => {
  const snapshots = new Map<string, ServiceSnapshot>();
  const clusters = [...Map.groupBy(targets, (t) => serviceKeyOf(t.target.cluster, '', t.site)).values()];
  await Promise.all(
    clusters.map(async (members) => {
      const { target, site } = members[0] as Target;
      const cluster = resourceName(target.cluster);
      const names = [...new Set(members.map((m) => m.target.service))];
      const found = await ecs.describeServices(cluster, names, site);
      for (const [name, snapshot] of found) snapshots.set(serviceKeyOf(cluster, name, site), snapshot);
    }),
  );
  return snapshots;
};

interface DriftContext extends DriftDeps {
  describe: (taskDefinition: string) => Promise<DescribedTaskDefinition>;
  now: Date;
  stuckMs: number;
  base: { pipeline: string; team?: string; cluster: string; service: string };
  serviceKey: string;
}

const driftOf = async (
  pipeline: PipelineConfig,
  containers: readonly string[] | undefined,
  snapshot: ServiceSnapshot,
  expectedTd: string,
  digest: string,
  context: DriftContext,
): Promise<DriftItem[]> => {
  const { base, now } = context;
  const item = (kind: DriftKind, expected: string, actual: string, fields: string[] = []): DriftItem => ({
    ...base,
    kind,
    expected,
    actual,
    fields,
    since: now.toISOString(),
  });
  const drift: DriftItem[] = [];
  for (const deployment of snapshot.deployments) {
    if (
      deployment.rolloutState === 'IN_PROGRESS' &&
      deployment.createdAt &&
      now.getTime() - deployment.createdAt.getTime() > context.stuckMs
    ) {
      drift.push(item('stuck', 'COMPLETED', `IN_PROGRESS since ${deployment.createdAt.toISOString()}`));
    }
  }
  const running = snapshot.taskDefinition;
  const sameRevision = familyRevision(running) === familyRevision(expectedTd);
  // The service's rollouts explain a revision change or hold its desired count; otherwise not needed.
  if (sameRevision && !context.config.drift.desiredCount) return drift;
  const rollouts = await context.ledger.rollouts.list(context.serviceKey);
  const latest = rollouts.filter((r) => r.pipeline === pipeline.name && r.toTaskDefinition).at(-1);
  // ECS's circuit breaker put the service back on the previous revision: explained, not drift.
  const explained =
    latest?.status === 'rolled-back' &&
    latest.rolledBackBy === 'ecs' &&
    familyRevision(latest.fromTaskDefinition) === familyRevision(running);
  if (
    context.config.drift.desiredCount &&
    latest?.desiredCount !== undefined &&
    latest.desiredCount !== snapshot.desiredCount
  ) {
    drift.push(item('desired-count', String(latest.desiredCount), String(snapshot.desiredCount)));
  }
  if (sameRevision || explained) return drift;

  const [expected, actual] = await Promise.all([context.describe(expectedTd), context.describe(running)]);
  const repositoryImage = (expected.taskDefinition.containerDefinitions ?? []).find((c) =>
    c.image?.endsWith(digest),
  )?.image;
  const targeted = (expected.taskDefinition.containerDefinitions ?? [])
    .filter((c) => (containers ? containers.includes(c.name ?? '') : c.image === repositoryImage))
    .map((c) => c.name ?? '');
  const audit =
    (await context.ledger.audits.last(snapshot.serviceArn)) ??
    (await context.ledger.audits.last(actual.taskDefinition.taskDefinitionArn ?? running));
  const actor = audit ? `${audit.caller} (${audit.eventName} at ${audit.at})` : undefined;
  const revision = item('revision', familyRevision(expectedTd), familyRevision(running));
  drift.push(actor ? { ...revision, actor } : revision);
  for (const name of targeted) {
    const want =
      (expected.taskDefinition.containerDefinitions ?? []).find((c) => c.name === name)?.image ??
      pinnedImage('', digest);
    const have =
      (actual.taskDefinition.containerDefinitions ?? []).find((c) => c.name === name)?.image ??
      '(container missing)';
    if (want !== have) drift.push(item('image', want, have, [`containerDefinitions.${name}.image`]));
  }
  const fields = diffTaskDefinitions(
    expected.taskDefinition,
    actual.taskDefinition,
    targeted.map((name) => `containerDefinitions.${name}.image`),
  ).filter((path) => path !== 'family');
  if (fields.length > 0)
    drift.push(item('config', familyRevision(expectedTd), familyRevision(running), fields));
  return drift;
};

/** Redeploys the head's revision through the one roll operation: a push that lands meanwhile wins. */
const reconcile = async (
  head: ServiceHead,
  target: { cluster: string; service: string; site: Site | undefined },
  eventId: string,
  deps: DriftDeps,
): Promise<string> => {
  const serviceKey = serviceKeyOf(target.cluster, target.service, target.site);
  const result = await rollService(
    {
      target: { serviceKey, cluster: target.cluster, service: target.service, site: target.site },
      taskDefinition: head.taskDefinition,
      intent: { ...head, eventId: `reconcile:${eventId}` },
      precedence: { kind: 'head-version', version: head.version },
      owner: `reconcile#${eventId}`,
    },
    deps,
  );
  if (result.status !== 'rolled') return `not reconciled: ${result.reason}`;
  deps.log.warn('drift reconciled', { serviceKey, taskDefinition: head.taskDefinition });
  return `redeployed ${familyRevision(head.taskDefinition)}`;
};
