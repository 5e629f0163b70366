import { Stack, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { routesFor } from '#core/events/routes.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { eventPatternOf } from './event-function.ts';
import { hubBusName } from './hub-bus.ts';
import type { Place } from './places.ts';

export interface SpokeForwardingProps {
  config: DeckhandConfig;
  /** Where the hub stack and its `deckhand` bus are. */
  hub: Place;
}

/**
 * A spoke's events to the hub: for each of Deckhand's routes (ECR pushes and scans, Inspector scans, ECS
 * deployment, service, task and hook state changes, ECS API calls through CloudTrail, CloudWatch alarm state
 * changes), a rule with the hub's very pattern that forwards what matches to the hub bus, across accounts
 * and Regions. EventBridge keeps the event's own `account` and `region`, which the hub trusts it for.
 *
 * EventBridge puts the events with a role that may put events on exactly the hub bus; what it still cannot
 * deliver after its retries (24 hours) waits in this account's dead-letter queue.
 */
export class SpokeForwarding extends Construct {
  readonly role: Role;
  readonly deadLetters: DeadLetterQueue;
  readonly rules: Rule[];
  readonly hubBusArn: string;

  constructor(scope: Construct, id: string, props: SpokeForwardingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, hub } = props;
    this.hubBusArn = stack.formatArn({
      service: 'events',
      account: hub.account,
      region: hub.region,
      resource: 'event-bus',
      resourceName: hubBusName,
    });
    const hubBus = EventBus.fromEventBusArn(this, 'HubBus', this.hubBusArn);
    this.role = new Role(this, 'Role', {
      description: 'EventBridge forwards the Deckhand events of this spoke to the hub bus',
      // Only EventBridge acting for this account's rules (confused deputy).
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    Validations.of(this.deadLetters.queue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'It is the dead-letter queue of the forwarding rules (their targets’ DeadLetterConfig).',
    });
    // The target grants the role events:PutEvents on exactly the hub bus.
    const target = new EventBusTarget(hubBus, { role: this.role, deadLetterQueue: this.deadLetters.queue });
    this.rules = routesFor(config).map(
      (route) =>
        new Rule(this, route.id, {
          description: `Deckhand: forward to the hub (${route.handler})`,
          eventPattern: eventPatternOf(route),
          targets: [target],
        }),
    );
  }
}
