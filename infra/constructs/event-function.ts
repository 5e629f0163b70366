import { Duration } from 'aws-cdk-lib';
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeckhandFunction, type DeckhandFunctionProps } from './deckhand-function.ts';

export interface EventFunctionProps extends DeckhandFunctionProps {
  /** One rule per pattern, all targeting the function. */
  patterns: Record<string, EventPattern>;
  deadLetterQueue: IQueue;
}

/**
 * A Deckhand function fed by EventBridge rules. A delivery EventBridge cannot make, and an invocation that
 * still fails after Lambda's async retries, both land in the dead-letter queue with the original event.
 */
export class EventFunction extends Construct {
  readonly function: DeckhandFunction;

  constructor(scope: Construct, id: string, props: EventFunctionProps) {
    super(scope, id);
    const { patterns, deadLetterQueue, ...functionProps } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue,
      ...functionProps,
    });
    for (const [name, eventPattern] of Object.entries(patterns)) {
      new Rule(this, name, {
        eventPattern,
        targets: [
          new LambdaFunction(this.function, {
            deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
          }),
        ],
      });
    }
  }
}
