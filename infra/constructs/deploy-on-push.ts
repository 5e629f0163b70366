import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { grantDeploy } from './deploy-access.ts';
import { EventFunction } from './event-function.ts';

export interface DeployOnPushProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Hub and spoke: the hub bus, where the same rules listen for the spokes' events. */
  hubBus?: IEventBus | undefined;
}

/**
 * ECR "ECR Image Action" (PUSH, SUCCESS) for the configured repositories → the image-push function, which
 * registers a pinned revision and updates the configured services. ECS rights are scoped to those services.
 */
export class DeployOnPush extends Construct {
  readonly handler: EventFunction;
  readonly scanHandler: EventFunction;

  constructor(scope: Construct, id: string, props: DeployOnPushProps) {
    super(scope, id);
    const { config, table, deadLetterQueue, hubBus } = props;
    const routes = routesFor(config.config);
    this.handler = new EventFunction(this, 'ImagePush', {
      handlerName: 'image-push',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: deploy a pushed ECR image to the services that track it',
      // Registers and rolls up to every target; the claim lease (6 min) outlasts it.
      timeout: Duration.minutes(2),
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routes.filter((route) => route.handler === 'image-push'),
    });
    this.scanHandler = new EventFunction(this, 'ImageScan', {
      handlerName: 'image-scan',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: record image scan results (IMG-003) and resume the pushes waiting on them',
      timeout: Duration.minutes(2),
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routes.filter((route) => route.handler === 'image-scan'),
    });
    // The scan handler resumes parked pushes, so it deploys exactly as image-push does.
    for (const fn of [this.handler.function, this.scanHandler.function]) {
      grantDeploy(fn, config, table);
    }
  }
}
