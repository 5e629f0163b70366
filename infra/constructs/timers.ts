import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  ContextAttribute,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { grantDeploy } from './deploy-access.ts';
import { grantContinueDeployments } from './continue-deployments.ts';

export interface TimersProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
}

/**
 * The scheduler invokes the function itself (unqualified), so its role may invoke exactly that ARN; the stock
 * target grants `grantInvoke`'s `<arn>:*` too (every version and alias).
 */
class InvokeFunction extends LambdaInvoke {
  private readonly target: IFunction;

  constructor(target: IFunction, props: ScheduleTargetBaseProps) {
    super(target, props);
    this.target = target;
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }),
    );
  }
}

/**
 * What is due, every minute (EventBridge Scheduler): promotions whose source stayed healthy long enough
 * (approval requested, or deployed through the same path as a push), approval requests that lapse, approved
 * promotions, and deploys held by a freeze that ended. It deploys, so it has exactly image-push's rights.
 */
export class Timers extends Construct {
  readonly function: DeckhandFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: TimersProps) {
    super(scope, id);
    const { config, table, deadLetterQueue } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      handlerName: 'timers',
      description: 'Deckhand: run what is due each minute (promotions, approval expiries, freeze releases)',
      // A tick may deploy like image-push does; the claim lease (6 min) outlasts it.
      timeout: Duration.minutes(2),
      // One tick at a time: a tick still running makes the next wait, never race it.
      reservedConcurrentExecutions: 1,
      // A failed tick is covered by the next one: no retries, failures still dead-lettered.
      retryAttempts: 0,
      deadLetterQueue,
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
    });
    this.schedule = new Schedule(this, 'Schedule', {
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      description: 'Deckhand timers tick',
      target: new InvokeFunction(this.function, {
        input: ScheduleTargetInput.fromObject({
          id: ContextAttribute.executionId,
          time: ContextAttribute.scheduledTime,
        }),
        // An invocation Lambda refuses is retried within the minute, then dead-lettered: the next tick
        // supersedes it.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(1),
        deadLetterQueue,
      }),
    });
    grantDeploy(this.function, config, table);
    // A decided (slack-actions) or expired (timers) pause-hook approval resumes or rolls back its deployment.
    grantContinueDeployments(this.function, config);
  }
}
