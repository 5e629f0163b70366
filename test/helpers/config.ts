/** The issues a config is refused with, one line each as `deckhand` prints them (fails if it is accepted). */
import { parseConfig } from '#core/config.ts';
import { ConfigError } from '#core/errors.ts';

export const issuesOf = (raw: unknown): string[] => {
  try {
    parseConfig(raw, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('config was accepted');
};

/** The web team (a Slack bot in its channel), web-staging, and web-prod promoting from it with `approval`. */
export const webPromotionConfig = (approval: { approvers: string[]; required?: number; expires: string }) =>
  parseConfig(
    {
      teams: {
        web: {
          slack: {
            channel: 'C0WEBTEAM1',
            botToken: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:web-bot-AbCdEf',
          },
        },
      },
      pipelines: [
        {
          name: 'web-staging',
          repository: 'web',
          team: 'web',
          targets: [{ cluster: 'staging', service: 'web' }],
        },
        {
          name: 'web-prod',
          team: 'web',
          promote: { from: 'web-staging', approval },
          targets: [{ cluster: 'prod', service: 'web' }],
        },
      ],
    },
    'test',
  );
