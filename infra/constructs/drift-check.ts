import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { parseDuration } from '#core/rollouts/duration.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { serviceArns } from './service-arns.ts';
import { grantStateAccess } from './state-access.ts';

export interface DriftCheckProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
}

/** The drift check on a schedule (`drift.interval`, default 15 minutes). */
export class DriftCheck extends Construct {
  readonly function: DeckhandFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: DriftCheckProps) {
    super(scope, id);
    const { config, table, deadLetterQueue } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      handlerName: 'drift',
      description: 'Deckhand: compare what runs with what Deckhand deployed',
      timeout: Duration.minutes(5),
      // One sweep at a time: overlapping sweeps would race on the drift report.
      reservedConcurrentExecutions: 1,
      // A missed run is covered by the next one: no retries, failures still dead-lettered.
      retryAttempts: 0,
      deadLetterQueue,
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
    });
    const minutes = Math.max(
      1,
      Math.round((parseDuration(config.config.drift.interval) ?? 900_000) / 60_000),
    );
    this.schedule = new Rule(this, 'Schedule', {
      schedule: Schedule.rate(Duration.minutes(minutes)),
      targets: [new LambdaFunction(this.function, { deadLetterQueue, retryAttempts: 2 })],
    });
    const fn = this.function;
    grantStateAccess(fn, table, { query: true });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    const reconciled = serviceArns(
      fn,
      config.config,
      config.config.pipelines.filter((p) => p.reconcile),
    );
    if (reconciled.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ecs:UpdateService'],
          resources: reconciled,
        }),
      );
    }
    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'ecs:DescribeTaskDefinition has no resource-level permissions.',
      });
    }
  }
}
