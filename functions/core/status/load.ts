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
import { type Home, serviceKeyOf, siteOfTarget } from '../sites.ts';
import { buildStatusView, factsKey, type StatusView, type TargetFacts } from './view.ts';

export interface StatusDeps {
  config: DeckhandConfig;
  home: Home;
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
    // One describe per cluster and site: ECS takes up to ten services a call, and the adapter batches beyond.
    const located = p.targets.map((t) => {
      const site = siteOfTarget(deps, t);
      return { ...t, site, serviceKey: serviceKeyOf(t.cluster, t.service, site) };
    });
    const byCluster = Map.groupBy(located, (t) => serviceKeyOf(t.cluster, '', t.site));
    const snapshots = new Map(
      await Promise.all(
        [...byCluster].map(async ([key, members]) => {
          const { cluster, site } = members[0] as (typeof located)[number];
          const services = members.map((m) => m.service);
          return [key, await deps.ecs.describeServices(cluster, services, site)] as const;
        }),
      ),
    );
    await Promise.all(
      located.map(async (t) => {
        const { serviceKey } = t;
        const [head, rollouts, pause, admissions, drift] = await Promise.all([
          deps.ledger.heads.get(serviceKey),
          deps.ledger.rollouts.list(serviceKey),
          deps.ledger.pauses.get(serviceKey),
          deps.ledger.admissions.list(serviceKey),
          deps.ledger.drift.get(serviceKey),
        ]);
        targets.set(factsKey(p.name, serviceKey), {
          snapshot: snapshots.get(serviceKeyOf(t.cluster, '', t.site))?.get(t.service),
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
    home: deps.home,
    pipelines: pipelines.map((p) => p.name),
    now,
    open,
    held,
    frozen,
    targets,
  });
};
