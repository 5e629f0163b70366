import { CfnOutput, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, AnyPrincipal, type IPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { routesFor } from '#core/events/routes.ts';

/** The hub bus's name: spoke stacks forward to `arn:<partition>:events:<hub-region>:<hub-account>:event-bus/deckhand`. */
export const hubBusName = 'deckhand';

/** The event sources Deckhand routes, and so the only ones a spoke may put on the hub bus. */
export const routedSources = (config: DeckhandConfig): string[] =>
  [...new Set(routesFor(config).flatMap((route) => route.pattern.source ?? []))].sort();

/** Hub and spoke is on when the config names other accounts, or an organization whose accounts may send. */
export const hasSpokes = (config: DeckhandConfig): boolean =>
  Object.keys(config.accounts).length > 0 || config.organizationId !== undefined;

export interface HubBusProps {
  config: DeckhandConfig;
}

/**
 * The custom event bus `deckhand` that spoke accounts and Regions forward their ECR, ECS, CloudWatch alarm
 * and CloudTrail events to (the functions' rules are on it as well as on the default bus). Its policy admits
 * PutEvents from the configured accounts, or from every account of `organizationId`, and only with the
 * sources Deckhand routes: what an event may speak for is then decided by its `account` field, which
 * EventBridge sets to the sender's account.
 */
export class HubBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: HubBusProps) {
    super(scope, id);
    const { config } = props;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: hubBusName,
      description: 'Deckhand hub: events forwarded by the spoke accounts and Regions',
    });
    const accounts = [...new Set(Object.values(config.accounts).map((account) => account.id))].sort();
    const sources = { 'ForAllValues:StringEquals': { 'events:source': routedSources(config) } };
    const admitted: { principals: IPrincipal[]; conditions: Record<string, unknown> } | undefined =
      config.organizationId !== undefined
        ? {
            principals: [new AnyPrincipal()],
            conditions: { ...sources, StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
          }
        : accounts.length > 0
          ? { principals: accounts.map((account) => new AccountPrincipal(account)), conditions: sources }
          : undefined;
    if (admitted) {
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'DeckhandSpokes',
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          ...admitted,
        }),
      );
    }
    new CfnOutput(Stack.of(this), 'HubBusArn', {
      value: this.bus.eventBusArn,
      description: 'The Deckhand hub bus: DeckhandSpoke stacks forward their events to it',
    });
  }
}
