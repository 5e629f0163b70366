import { Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { SynthConfig } from '../deckhand-config.ts';
import type { DeckhandFunction } from './deckhand-function.ts';
import {
  accountsOf,
  acknowledgeWildcards,
  arnAt,
  grantAssumeSpokeRoles,
  iamRoleArn,
  placeOf,
  registryAccountKeys,
  targetAccountKeys,
  targetPlaces,
} from './places.ts';
import { serviceArns } from './service-arns.ts';
import { grantStateAccess } from './state-access.ts';

/** The ECR repositories the pipelines pull from, each in its registry's account and Region. */
const repositoryArns = (fn: DeckhandFunction, config: SynthConfig): string[] => [
  ...new Set(
    config.config.pipelines.flatMap((p) =>
      p.repository
        ? [arnAt(fn, placeOf(fn, config.config, p.registry), 'ecr', 'repository', p.repository)]
        : [],
    ),
  ),
];

/**
 * What a function that deploys needs: the configured services, task-definition registration, the table.
 * Every path that deploys as a push does (image-push, image-scan resuming parked pushes, timers promoting
 * and releasing held deploys) gets exactly this. Hub and spoke: the same rights in each target's account and
 * Region (they matter where the hub's own role acts: its own account in another Region), the spokes' deploy
 * roles to assume, and the repositories' policies, read before deploying into another account.
 */
export const grantDeploy = (fn: DeckhandFunction, config: SynthConfig, table: ITableV2): void => {
  const stack = Stack.of(fn);
  const { pipelines, iam } = config.config;
  grantStateAccess(fn, table, { query: true, transact: true, batchRead: true });
  grantAssumeSpokeRoles(fn, config.config, [
    ...targetAccountKeys(pipelines),
    ...registryAccountKeys(pipelines),
  ]);

  const services = serviceArns(fn, config.config);
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
  const places = targetPlaces(fn, config.config);
  const taskDefinitions = (
    places.length > 0 ? places : [{ account: stack.account, region: stack.region }]
  ).map((place) => arnAt(fn, place, 'ecs', 'task-definition', '*'));
  fn.addToRolePolicy(
    new PolicyStatement({
      // Tags are copied onto the new revision, which needs TagResource at creation only.
      actions: ['ecs:TagResource'],
      resources: taskDefinitions,
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    }),
  );
  const accounts = places.length > 0 ? accountsOf(places) : [stack.account];
  const passRoles = accounts.flatMap((account) => iam.passRoles.map((name) => iamRoleArn(fn, account, name)));
  fn.addToRolePolicy(
    new PolicyStatement({
      // The new revision keeps the task and execution roles of the old one, whatever they are.
      actions: ['iam:PassRole'],
      resources: passRoles,
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  );
  const repositories = Object.keys(config.config.accounts).length > 0 ? repositoryArns(fn, config) : [];
  if (repositories.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['ecr:GetRepositoryPolicy'], resources: repositories }),
    );
  }
  const role = fn.role;
  if (role) {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition have no resource-level permissions.',
    });
    acknowledgeWildcards(
      role,
      taskDefinitions,
      'TagResource only at registration (ecs:CreateAction), to copy tags onto the new revision.',
    );
    acknowledgeWildcards(
      role,
      passRoles,
      'PassRole only to ecs-tasks, for the configured task and execution role names (iam.passRoles).',
    );
  }
};
