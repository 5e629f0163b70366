import { Fn, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { EventFunction } from './event-function.ts';
import { acknowledgeWildcards, allPlaces, arnAt, grantAssumeSpokeRoles } from './places.ts';
import { grantStateAccess } from './state-access.ts';

/** The remediations the config asks for anywhere: each needs its own ECS right, here and on the spokes. */
export const remediationsOf = (config: DeckhandConfig): Set<string> =>
  new Set(
    [
      config.guardrails.rules,
      ...Object.values(config.guardrails.environments).map((e) => e.rules),
      ...config.pipelines.map((p) => p.guardrails ?? {}),
    ]
      .flatMap((rules) => Object.values(rules))
      .flatMap((setting) => (typeof setting === 'object' && setting.remediate ? [setting.remediate] : [])),
  );

export interface GuardrailAuditProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Deckhand's own deploying roles: their ECS calls were judged before they were made. */
  selfRoleArns: string[];
  /** Hub and spoke: the hub bus, where the same rules listen for the spokes' events. */
  hubBus?: IEventBus | undefined;
}

/**
 * ECS changes seen through CloudTrail (RegisterTaskDefinition, CreateService, UpdateService) → the
 * ecs-change function, which re-reads the object and judges it at the `runtime` point. Remediation rights
 * are granted only when the config asks for that remediation.
 */
export class GuardrailAudit extends Construct {
  readonly handler: EventFunction;

  constructor(scope: Construct, id: string, props: GuardrailAuditProps) {
    super(scope, id);
    const { config, table, deadLetterQueue, selfRoleArns, hubBus } = props;
    this.handler = new EventFunction(this, 'EcsChange', {
      handlerName: 'ecs-change',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: judge task definitions and services changed outside Deckhand',
      environment: {
        DECKHAND_TABLE: table.tableName,
        DECKHAND_CONFIG: bundledConfigName,
        DECKHAND_SELF_ROLES: Fn.join(',', selfRoleArns),
      },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routesFor(config.config).filter((route) => route.handler === 'ecs-change'),
    });
    const fn = this.handler.function;
    // An out-of-band change may come from any account and Region Deckhand acts in.
    const anyService = allPlaces(fn, config.config).map((place) => arnAt(fn, place, 'ecs', 'service', '*/*'));
    grantStateAccess(fn, table);
    grantAssumeSpokeRoles(fn, config.config, Object.keys(config.config.accounts));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:DescribeServices'], resources: anyService }));
    fn.addToRolePolicy(
      // DescribeTaskDefinition has no resource-level permissions.
      new PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    );
    const remediations = remediationsOf(config.config);
    if (remediations.has('deregister')) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['ecs:DeregisterTaskDefinition'], resources: ['*'] }),
      );
    }
    if (remediations.has('rollback')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:UpdateService'], resources: anyService }));
    }
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition and ecs:DeregisterTaskDefinition have no resource-level permissions.',
      });
    }
    acknowledgeWildcards(
      fn.role,
      anyService,
      'An out-of-band change may touch any service; the audit must be able to read it.',
    );
  }
}
