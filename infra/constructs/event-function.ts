import { Duration } from 'aws-cdk-lib';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Route } from '#core/events/routes.ts';
import { DeckhandFunction, type DeckhandFunctionProps } from './deckhand-function.ts';

/** A route's pattern as the CDK spells it (`detailType`); the same pattern on every bus. */
export const eventPatternOf = (route: Route): EventPattern => {
  const { 'detail-type': detailType, ...rest } = route.pattern;
  return { ...rest, ...(detailType ? { detailType } : {}) };
};

export interface EventFunctionProps extends DeckhandFunctionProps {
  /** The routes (EventBridge patterns shared with `deckhand replay`) whose rules target the function. */
  routes: Route[];
  deadLetterQueue: IQueue;
  /** Hub and spoke: the bus spokes forward their events to, where each route gets the same rule again. */
  hubBus?: IEventBus | undefined;
}

/**
 * A Deckhand function fed by EventBridge rules. A delivery EventBridge cannot make, and an invocation that
 * still fails after Lambda's async retries, both land in the dead-letter queue with the original event.
 * With a hub bus, every route has a rule with the same pattern on it as well as on the default bus.
 */
export class EventFunction extends Construct {
  readonly function: DeckhandFunction;

  constructor(scope: Construct, id: string, props: EventFunctionProps) {
    super(scope, id);
    const { routes, deadLetterQueue, hubBus, ...functionProps } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue,
      ...functionProps,
    });
    const target = () =>
      new LambdaFunction(this.function, {
        deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      });
    for (const route of routes) {
      const eventPattern = eventPatternOf(route);
      new Rule(this, route.id, { eventPattern, targets: [target()] });
      if (hubBus)
        new Rule(this, `${route.id}FromSpokes`, { eventBus: hubBus, eventPattern, targets: [target()] });
    }
  }
}
