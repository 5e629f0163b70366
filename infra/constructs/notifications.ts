import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { SynthConfig } from '../deckhand-config.ts';
import { grantAssumeSpokeRoles, targetAccountKeys } from './places.ts';
import { serviceArns } from './service-arns.ts';
import { grantSecretReads, teamSlackSecrets } from './slack-secrets.ts';

/**
 * What a function needs to tell teams: the Slack secrets the config names (nothing else in Secrets Manager),
 * and the configured services' tags, where the owning team may be named (on a spoke, through its deploy role).
 */
export const grantNotify = (fn: IFunction, config: SynthConfig): void => {
  grantSecretReads(fn, teamSlackSecrets(config));
  grantAssumeSpokeRoles(fn, config.config, targetAccountKeys(config.config.pipelines));
  const services = serviceArns(fn, config.config);
  if (services.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:DescribeServices'],
        resources: services,
      }),
    );
  }
};
