import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { SpokeDeployRole } from './constructs/spoke-deploy-role.ts';
import { SpokeForwarding } from './constructs/spoke-forwarding.ts';
import type { SpokeSettings } from './spoke-settings.ts';

export interface DeckhandSpokeStackProps extends Omit<StackProps, 'env'> {
  config: DeckhandConfig;
  settings: SpokeSettings;
}

/**
 * Deckhand in a spoke account and Region: its events forwarded to the hub bus, and (once per account) the
 * role the hub's functions assume to act here. No functions and no state: the hub does the work. Deployed
 * with the spoke's credentials: `npx cdk deploy DeckhandSpoke -c deckhand:hub-account=… -c deckhand:hub-region=…
 * -c deckhand:spoke-account=<accounts key>`; its environment is that entry's account and Region.
 */
export class DeckhandSpokeStack extends Stack {
  readonly forwarding: SpokeForwarding;
  readonly deployRole: SpokeDeployRole | undefined;

  constructor(scope: Construct, id: string, props: DeckhandSpokeStackProps) {
    const { config, settings, ...stackProps } = props;
    super(scope, id, { ...stackProps, env: { account: settings.account, region: settings.region } });
    Tags.of(this).add('app', 'deckhand');
    this.forwarding = new SpokeForwarding(this, 'Forwarding', { config, hub: settings.hub });
    this.deployRole = settings.createRole
      ? new SpokeDeployRole(this, 'DeployRole', {
          config,
          account: settings.account,
          roleName: settings.roleName,
          hubAccount: settings.hub.account,
        })
      : undefined;
    new CfnOutput(this, 'HubBusArn', {
      value: this.forwarding.hubBusArn,
      description: 'Where this spoke forwards its Deckhand events',
    });
  }
}
