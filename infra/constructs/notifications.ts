import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { SynthConfig } from '../deckhand-config.ts';
import { serviceArns } from './service-arns.ts';

/**
 * What a function needs to tell teams: the Slack secrets the config names (nothing else in Secrets Manager),
 * and the configured services' tags, where the owning team may be named.
 */
export const grantNotify = (fn: IFunction, config: SynthConfig): void => {
  const secrets = [
    ...new Set(
      Object.values(config.config.teams).flatMap((team) => {
        const slack = team.slack;
        if (!slack) return [];
        const arn = 'channel' in slack ? slack.botToken : slack.webhook;
        // A secret named without its random suffix still matches its full ARN.
        return /-[A-Za-z0-9]{6}$/.test(arn) ? [arn] : [arn, `${arn}-??????`];
      }),
    ),
  ].sort();
  if (secrets.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
    );
  }
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
