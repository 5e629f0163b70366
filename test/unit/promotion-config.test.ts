import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import { issuesOf } from '../helpers/config.ts';

const slackTeam = {
  slack: { webhook: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:hook-AbCdEf' },
};
const staging = { name: 'staging', repository: 'web', targets: [{ cluster: 'staging', service: 'web' }] };
const promoted = (name: string, from: string, extra: Record<string, unknown> = {}) => ({
  name,
  promote: { from, ...extra },
  targets: [{ cluster: name, service: 'web' }],
});

describe('promotion and freeze configuration', () => {
  it('accepts a chain dev → staging → prod with an approval owned by a team told about promotions', () => {
    const config = parseConfig(
      {
        teams: { payments: slackTeam },
        pipelines: [
          { ...staging, name: 'dev' },
          promoted('staging', 'dev', { after: '30m' }),
          { ...promoted('prod', 'staging', { approval: { approvers: ['U012ABCDEF'] } }), team: 'payments' },
        ],
        freeze: [{ cron: '0 17 * * FRI', duration: '63h', timezone: 'Europe/Berlin', reason: 'weekend' }],
      },
      'chain',
    );
    expect(config.pipelines[2]?.promote).toEqual({
      from: 'staging',
      approval: { approvers: ['U012ABCDEF'], required: 1, expires: '24h' },
    });
  });

  it('names every mistake: unknown source, cycle, repository on a promote pipeline, none on a plain one', () => {
    expect(
      issuesOf({
        pipelines: [
          promoted('a', 'b'),
          promoted('b', 'a'),
          { ...promoted('c', 'nowhere'), repository: 'web' },
          { name: 'd', targets: [{ cluster: 'd', service: 'web' }] },
        ],
      }),
    ).toEqual([
      'pipelines[0].promote.from: promotion cycle through "a"',
      'pipelines[1].promote.from: promotion cycle through "b"',
      'pipelines[2].repository: a promote pipeline takes its image from `from`',
      'pipelines[2].promote.from: no pipeline named "nowhere"',
      'pipelines[3].repository: required (or promote: { from: … })',
    ]);
  });

  it('refuses a tag policy on a promote pipeline: it deploys the digest its source proved', () => {
    expect(issuesOf({ pipelines: [staging, { ...promoted('prod', 'staging'), tags: 'semver:^1' }] })).toEqual(
      ['pipelines[1].tags: a promote pipeline deploys what `from` proved'],
    );
  });

  it('refuses approvers nobody can ask, and more required approvals than approvers', () => {
    expect(
      issuesOf({
        teams: { quiet: { ...slackTeam, notify: ['deploy'] } },
        pipelines: [
          staging,
          {
            ...promoted('prod', 'staging', { approval: { approvers: ['U012ABCDEF'], required: 2 } }),
            team: 'quiet',
          },
        ],
      }),
    ).toEqual([
      'pipelines[1].promote.approval: approvers need a Slack destination: a team (or notifications.defaultTeam) with slack that is told `promotion`',
      'pipelines[1].promote.approval.required: needs 2 approvers but lists 1',
    ]);
  });
});
