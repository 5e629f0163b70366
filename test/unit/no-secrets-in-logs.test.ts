/** No secret value ever reaches a log line: env values TD-010 flags, Slack tokens and webhook URLs. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter } from '#adapters/slack.ts';
import { logger } from '#commons/powertools.ts';
import { parseConfig } from '#core/config.ts';
import type { EcsPort } from '#core/ports/ecs.ts';
import { deployImage } from '#core/use-cases/deploy-image.ts';
import { deliverNotices } from '#core/use-cases/notify.ts';
import { directOutbox } from '#core/use-cases/send-notice.ts';
import { pushEvent } from '../helpers/events.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { noRegistry, sampleHome } from '../helpers/home.ts';

const awsSecret = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYzzzzzzzzzz'].join('/');
const slackToken = ['xoxb', '123456789012', '1234567890123', 'abcdefghijABCDEFGHIJabcd'].join('-');
const webhook = 'https://hooks.slack.com/services/T000/B000/very-secret-path';
let output = '';

beforeEach(() => {
  output = '';
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  logger.setLogLevel('DEBUG');
});
afterEach(() => {
  logger.setLogLevel('SILENT');
  vi.restoreAllMocks();
});

describe('logs', () => {
  it('never carry a secret found in a task definition, even when it blocks the deploy', async () => {
    const config = parseConfig(
      { pipelines: [{ name: 'web', repository: 'web', targets: [{ cluster: 'prod', service: 'web' }] }] },
      't',
    );
    const account = '123456789012';
    const uri = `${account}.dkr.ecr.eu-west-1.amazonaws.com/web`;
    const ecs = {
      describeServices: () =>
        Promise.resolve(
          new Map([
            [
              'web',
              {
                clusterArn: 'c',
                serviceName: 'web',
                serviceArn: 's',
                status: 'ACTIVE',
                taskDefinition: 'web:1',
                desiredCount: 1,
                tags: [],
                deployments: [],
                shape: {},
              },
            ],
          ]),
        ),
      describeTaskDefinition: () =>
        Promise.resolve({
          tags: [],
          taskDefinition: {
            family: 'web',
            containerDefinitions: [
              {
                name: 'app',
                image: `${uri}:1`,
                environment: [{ name: 'LEGACY_AWS_SECRET_ACCESS_KEY', value: awsSecret }],
              },
            ],
          },
        }),
    } as unknown as EcsPort;
    const clock = new ManualClock();
    const digest = `sha256:${'ab'.repeat(32)}`;
    const outcome = await deployImage(
      pushEvent({ account, region: 'eu-west-1', repository: 'web', tag: '2', digest }),
      {
        config,
        home: sampleHome,
        registry: noRegistry,
        ecs,
        ledger: createMemoryLedger(clock),
        clock,
        log: logger,
      },
    );
    expect(outcome.outcome).toBe('blocked');
    expect(JSON.stringify(outcome)).toContain('TD-010');
    expect(output).toContain('push handled');
    expect(output).not.toContain(awsSecret);
    expect(JSON.stringify(outcome)).not.toContain(awsSecret);
  });

  it('never carry a Slack token or webhook URL when delivery fails', async () => {
    const secrets = { value: (arn: string) => Promise.resolve(arn.includes('token') ? slackToken : webhook) };
    const slack = createSlackAdapter({ secrets, apiUrl: 'http://127.0.0.1:9/api/', attempts: 1 });
    const config = parseConfig(
      {
        teams: {
          api: {
            slack: {
              channel: 'C0API',
              botToken: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token',
            },
          },
          hook: { slack: { webhook: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook' } },
        },
        pipelines: [
          { name: 'a', repository: 'web', team: 'api', targets: [{ cluster: 'prod', service: 'a' }] },
          { name: 'b', repository: 'web', team: 'hook', targets: [{ cluster: 'prod', service: 'b' }] },
        ],
      },
      't',
    );
    const clock = new ManualClock();
    const action = (pipeline: string, service: string) => ({
      pipeline,
      cluster: 'prod',
      service,
      image: `r/web@sha256:${'cd'.repeat(32)}`,
      tag: '1',
      status: 'deployed' as const,
    });
    const report = await deliverNotices(
      {
        kind: 'deploy',
        eventId: 'e',
        detailType: 'ECR Image Action',
        outcome: 'deployed',
        actions: [action('a', 'a'), action('b', 'b')],
      },
      { region: 'eu-west-1', trigger: 'test' },
      {
        config,
        home: sampleHome,
        outbox: directOutbox({ slack, ledger: createMemoryLedger(clock), log: logger }),
        ecs: { describeServices: () => Promise.resolve(new Map()) },
        log: logger,
      },
    );
    expect(report.failed).toBe(2);
    expect(output).toContain('notification failed');
    expect(output).not.toContain(slackToken);
    expect(output).not.toContain('very-secret-path');
  });
});
