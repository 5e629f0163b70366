import { Arn, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { SynthConfig } from '../deckhand-config.ts';
import type { DeckhandFunction } from './deckhand-function.ts';
import { serviceArns } from './service-arns.ts';
import { grantStateAccess } from './state-access.ts';

/**
 * What a function that deploys needs: the configured services, task-definition registration, the table.
 * Every path that deploys as a push does (image-push, image-scan resuming parked pushes, timers promoting
 * and releasing held deploys) gets exactly this.
 */
export const grantDeploy = (fn: DeckhandFunction, config: SynthConfig, table: ITableV2): void => {
  const stack = Stack.of(fn);
  grantStateAccess(fn, table, { query: true, transact: true, batchRead: true });

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
