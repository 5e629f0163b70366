import type { IConstruct } from 'constructs';
import type { DeckhandConfig, PipelineConfig } from '#core/config.ts';
import { arnAt, placeOf } from './places.ts';

const nameOf = (nameOrArn: string): string => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/**
 * The ARNs of the ECS services these pipelines target, each in its target's account and Region, for IAM
 * statements scoped to exactly them.
 */
export const serviceArns = (
  scope: IConstruct,
  config: DeckhandConfig,
  pipelines: readonly PipelineConfig[] = config.pipelines,
): string[] => {
  const byKey = new Map<string, string>();
  for (const target of pipelines.flatMap((p) => p.targets)) {
    const resourceName = `${nameOf(target.cluster)}/${target.service}`;
    byKey.set(
      `${target.account ?? ''}\u0000${resourceName}`,
      arnAt(scope, placeOf(scope, config, target.account), 'ecs', 'service', resourceName),
    );
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, arn]) => arn);
};
