import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  functions: Record<string, IFunction>;
  deadLetterQueue: IQueue;
  /** The notices Slack never took (the notice queue's FIFO dead-letter queue). */
  noticeDeadLetterQueue?: IQueue;
  /** Optional e-mail for the topic (context `deckhand:alarm-email`). */
  email?: string;
}

/**
 * Deckhand watching itself: an event in the dead-letter queue, and any function error or throttle, alarm
 * on an encrypted SNS topic (subscribe a chatbot, pager or e-mail to it).
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Deckhand operations',
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);
    const watch = (alarm: Alarm) => {
      alarm.addAlarmAction(action);
      return alarm;
    };
    watch(
      new Alarm(this, 'DeadLetters', {
        alarmDescription:
          'Deckhand gave up on an event: it waits in the dead-letter queue for `deckhand replay`',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    if (props.noticeDeadLetterQueue)
      watch(
        new Alarm(this, 'NoticeDeadLetters', {
          alarmDescription: 'Slack never took a notice: it waits in the notice dead-letter queue',
          metric: props.noticeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    for (const [name, fn] of Object.entries(props.functions)) {
      for (const [kind, metric] of [
        ['Errors', fn.metricErrors({ period: Duration.minutes(5) })],
        ['Throttles', fn.metricThrottles({ period: Duration.minutes(5) })],
      ] as const) {
        watch(
          new Alarm(this, `${name}${kind}`, {
            alarmDescription: `Deckhand ${name}: ${kind.toLowerCase()}`,
            metric,
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        );
      }
    }
    new CfnOutput(this, 'TopicArn', {
      value: this.topic.topicArn,
      description: 'Deckhand operations alarms',
    });
  }
}
