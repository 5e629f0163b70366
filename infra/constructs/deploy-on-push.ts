import { Arn, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import type { DeckhandFunction } from './deckhand-function.ts';
import { EventFunction } from './event-function.ts';
import { serviceArns } from './service-arns.ts';
import { grantNotify } from './notifications.ts';
import { grantStateAccess } from './state-access.ts';

export interface DeployOnPushProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
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
    const { config, table, deadLetterQueue } = props;
    const routes = routesFor(config.config);
    this.handler = new EventFunction(this, 'ImagePush', {
      handlerName: 'image-push',
      deadLetterQueue,
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
      description: 'Deckhand: record image scan results (IMG-003) and resume the pushes waiting on them',
      timeout: Duration.minutes(2),
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routes.filter((route) => route.handler === 'image-scan'),
    });
    // The scan handler resumes parked pushes, so it deploys exactly as image-push does.
    for (const fn of [this.handler.function, this.scanHandler.function]) {
      grantDeploy(fn, config, table);
      grantNotify(fn, config);
    }
  }
}

/** What a function that deploys needs: the configured services, task-definition registration, the table. */
const grantDeploy = (fn: DeckhandFunction, config: SynthConfig, table: ITableV2): void => {
  const stack = Stack.of(fn);
  grantStateAccess(fn, table, { query: true });

  const services = serviceArns(fn, config.config.pipelines);
  if (services.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: services,
      }),
    );
  }
  fn.addToRolePolicy(
    new PolicyStatement({
      // Neither action supports resource-level permissions.
      actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'],
      resources: ['*'],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      // Tags are copied onto the new revision, which needs TagResource at creation only.
      actions: ['ecs:TagResource'],
      resources: [Arn.format({ service: 'ecs', resource: 'task-definition', resourceName: '*' }, stack)],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      // The new revision keeps the task and execution roles of the old one, whatever they are.
      actions: ['iam:PassRole'],
      resources: config.config.iam.passRoles.map((name) =>
        Arn.format({ service: 'iam', region: '', resource: 'role', resourceName: name }, stack),
      ),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  );
  const role = fn.role;
  if (role) {
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition have no resource-level permissions.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/*]',
        reason: 'TagResource only at registration (ecs:CreateAction), to copy tags onto the new revision.',
      },
      ...config.config.iam.passRoles
        .filter((name) => name.includes('*'))
        .map((name) => ({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${name}]`,
          reason:
            'PassRole only to ecs-tasks, for the configured task and execution role names (iam.passRoles).',
        })),
    );
  }
};
