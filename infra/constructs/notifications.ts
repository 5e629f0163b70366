import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { SynthConfig } from '../deckhand-config.ts';
import { serviceArns } from './service-arns.ts';
import { grantSecretReads, teamSlackSecrets } from './slack-secrets.ts';

/**
 * What a function needs to tell teams: the Slack secrets the config names (nothing else in Secrets Manager),
 * and the configured services' tags, where the owning team may be named.
 */
export const grantNotify = (fn: IFunction, config: SynthConfig): void => {
  grantSecretReads(fn, teamSlackSecrets(config));
  const services = serviceArns(fn, config.config.pipelines);
  if (services.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:DescribeServices'],
        resources: services,
      }),
    );
  }
};
