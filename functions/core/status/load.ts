/**
 * Gathers what the status view shows, through the ports: ECS's describe of each target and the ledger's
 * records. Read-only; the CLI and the dashboard function both call it.
 */
import type { DeckhandConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { type ActiveFreeze, freezeOf } from '../freeze/active.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Ledger } from '../ports/stores.ts';
import { serviceKeyOf } from '../service-key.ts';
import { buildStatusView, factsKey, type StatusView, type TargetFacts } from './view.ts';

export interface StatusDeps {
  config: DeckhandConfig;
  ecs: Pick<EcsPort, 'describeServices'>;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'pauses' | 'promotions' | 'freezes' | 'admissions' | 'drift'>;
  clock: Clock;
}

/** The view of every pipeline, or of one (an unknown name is a ConfigError). */
export const loadStatusView = async (deps: StatusDeps, pipeline?: string): Promise<StatusView> => {
  const pipelines = deps.config.pipelines.filter((p) => !pipeline || p.name === pipeline);
  if (pipeline && pipelines.length === 0)
    throw new ConfigError('(config)', [`no pipeline named ${pipeline}`]);
  const now = deps.clock.now();
  const [open, freezes, held] = await Promise.all([
    deps.ledger.promotions.open(),
    deps.ledger.freezes.list(),
    deps.ledger.freezes.held(),
  ]);
  const frozen = new Map<string, ActiveFreeze>();
  const targets = new Map<string, TargetFacts>();
  for (const p of pipelines) {
    const freeze = freezeOf(deps.config, p, freezes, now);
    if (freeze) frozen.set(p.name, freeze);
    // One describe per cluster: ECS takes up to ten services a call, and the adapter batches beyond that.
    const byCluster = new Map<string, string[]>();
    for (const t of p.targets) byCluster.set(t.cluster, [...(byCluster.get(t.cluster) ?? []), t.service]);
    const snapshots = new Map(
      await Promise.all(
        [...byCluster].map(
          async ([cluster, services]) =>
            [cluster, await deps.ecs.describeServices(cluster, services)] as const,
        ),
      ),
    );
    await Promise.all(
      p.targets.map(async (t) => {
        const serviceKey = serviceKeyOf(t.cluster, t.service);
        const [head, rollouts, pause, admissions, drift] = await Promise.all([
          deps.ledger.heads.get(serviceKey),
          deps.ledger.rollouts.list(serviceKey),
          deps.ledger.pauses.get(serviceKey),
          deps.ledger.admissions.list(serviceKey),
          deps.ledger.drift.get(serviceKey),
        ]);
        targets.set(factsKey(p.name, t.cluster, t.service), {
          snapshot: snapshots.get(t.cluster)?.get(t.service),
          head,
          rollouts,
          pause,
          admissions,
          drift,
        });
      }),
    );
  }
  return buildStatusView({
    config: deps.config,
    pipelines: pipelines.map((p) => p.name),
    now,
    open,
    held,
    frozen,
    targets,
  });
};
