import { ArnFormat, Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { EventFunction } from './event-function.ts';
import { acknowledgeWildcards, arnAt, targetPlaces } from './places.ts';
import { serviceArns } from './service-arns.ts';
import { grantStateAccess } from './state-access.ts';

export interface RolloutFollowThroughProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Hub and spoke: the hub bus, where the same rules listen for the spokes' events. */
  hubBus?: IEventBus | undefined;
}

/**
 * ECS deployment, service and task events → ecs-events (rollout state, crash loops); CloudWatch alarm state
 * changes → alarm (rollback to the last known-good revision inside the bake window).
 */
export class RolloutFollowThrough extends Construct {
  readonly ecsEvents: EventFunction;
  readonly alarm: EventFunction;

  constructor(scope: Construct, id: string, props: RolloutFollowThroughProps) {
    super(scope, id);
    const { config, table, deadLetterQueue, hubBus } = props;
    const environment = { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName };
    const bundling = { commandHooks: copyConfigInto(config.jsonFile) };
    const routes = routesFor(config.config);
    this.ecsEvents = new EventFunction(this, 'EcsEvents', {
      handlerName: 'ecs-events',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: follow rollouts to their end and catch crash loops',
      environment,
      bundling,
      routes: routes.filter((route) => route.handler === 'ecs-events'),
    });
    grantStateAccess(this.ecsEvents.function, table, { query: true });
    // For the crash-loop alert's logs link; DescribeTaskDefinition has no resource-level permissions.
    this.ecsEvents.function.addToRolePolicy(
      new PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    );

    const pipelines = config.config.pipelines;
    const bySelector = pipelines.some(
      (p) => !Array.isArray(p.alarms) && Object.keys(p.alarms.tags).length > 0,
    );
    this.alarm = new EventFunction(this, 'Alarm', {
      handlerName: 'alarm',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: roll back a rollout whose alarm fires in its bake window',
      timeout: Duration.minutes(1),
      environment,
      bundling,
      routes: routes.filter((route) => route.handler === 'alarm'),
    });
    const fn = this.alarm.function;
    grantStateAccess(fn, table, { query: true });
    const services = serviceArns(fn, config.config);
    if (services.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ecs:UpdateService'],
          resources: services,
        }),
      );
    }
    if (bySelector) {
      // Alarms live beside the services they watch: in each target's account and Region.
      const alarms = targetPlaces(fn, config.config).map((place) =>
        arnAt(fn, place, 'cloudwatch', 'alarm', '*', ArnFormat.COLON_RESOURCE_NAME),
      );
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['cloudwatch:ListTagsForResource'], resources: alarms }),
      );
      acknowledgeWildcards(
        fn.role,
        alarms,
        'A tag selector matches alarms by their tags, so any alarm’s tags may need reading.',
      );
    }
    if (this.ecsEvents.function.role) {
      Validations.of(this.ecsEvents.function.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'ecs:DescribeTaskDefinition has no resource-level permissions.',
      });
    }
  }
}
