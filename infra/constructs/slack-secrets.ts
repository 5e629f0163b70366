import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { SynthConfig } from '../deckhand-config.ts';

/** A secret named without its random suffix still matches its full ARN. */
const secretResources = (arn: string): string[] =>
  /-[A-Za-z0-9]{6}$/.test(arn) ? [arn] : [arn, `${arn}-??????`];

/** The Secrets Manager ARNs of the teams' Slack destinations (bot tokens and webhook URLs), as IAM names them. */
export const teamSlackSecrets = (config: SynthConfig): string[] =>
  Object.values(config.config.teams).flatMap((team) => {
    const slack = team.slack;
    if (!slack) return [];
    return secretResources('channel' in slack ? slack.botToken : slack.webhook);
  });

/** The Slack app's signing secret (`slack.signingSecret`), as IAM names it; none when unset. */
export const signingSecret = (config: SynthConfig): string[] =>
  config.config.slack ? secretResources(config.config.slack.signingSecret) : [];

/** `secretsmanager:GetSecretValue` on exactly these secrets, in one statement; nothing when there are none. */
export const grantSecretReads = (fn: IFunction, arns: readonly string[]): void => {
  const resources = [...new Set(arns)].sort();
  if (resources.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }));
  }
};
