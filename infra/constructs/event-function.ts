import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Route } from '#core/events/routes.ts';
import { DeckhandFunction, type DeckhandFunctionProps } from './deckhand-function.ts';

export interface EventFunctionProps extends DeckhandFunctionProps {
  /** The routes (EventBridge patterns shared with `deckhand replay`) whose rules target the function. */
  routes: Route[];
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
    const { routes, deadLetterQueue, ...functionProps } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue,
      ...functionProps,
    });
    for (const route of routes) {
      const { 'detail-type': detailType, ...rest } = route.pattern;
      new Rule(this, route.id, {
        eventPattern: { ...rest, ...(detailType ? { detailType } : {}) },
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
