import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/guardrails/types.ts';
import { type Notice, noticesFor } from '#core/notify/notice.ts';
import { escapeMrkdwn, renderSlack } from '#core/notify/slack-blocks.ts';
import type { DeployAction, DeployStatus, Outcome } from '#core/outcome.ts';
import { type Block, blockKitViolation } from '../../scripts/lib/slack-receiver.ts';

const context = { region: 'eu-west-1', trigger: 'ECR push web:1.4.0' };
const digest = `sha256:${'ab'.repeat(32)}`;
const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@${digest}`;
const injection = '<!channel> <@U123> <https://evil.example|click> & more';

const deployAction = (status: DeployStatus, extra: Partial<DeployAction> = {}): DeployAction => ({
  pipeline: 'web-prod',
  cluster: 'prod',
  service: 'web',
  image,
  tag: '1.4.0',
  status,
  from: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
  to: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8',
  ...extra,
});
const finding = (n: number): Finding => ({
  rule: 'TD-001',
  severity: 'high',
  status: 'fail',
  mode: 'block',
  container: `c${n}`,
  field: 'containerDefinitions[].privileged',
  message: `runs privileged ${injection}`,
});

const outcomes: [string, Outcome][] = [
  [
    'deploy started',
    {
      eventId: 'e1',
      kind: 'deploy',
      detailType: 'ECR Image Action',
      outcome: 'deployed',
      actions: [deployAction('deployed')],
    },
  ],
  [
    'deploy failed',
    {
      eventId: 'e2',
      kind: 'deploy',
      detailType: 'ECR Image Action',
      outcome: 'failed',
      actions: [deployAction('failed', { reason: injection })],
    },
  ],
  [
    'deploy blocked',
    {
      eventId: 'e3',
      kind: 'deploy',
      detailType: 'ECR Image Action',
      outcome: 'blocked',
      actions: [deployAction('blocked', { reason: 'guardrails', findings: [finding(1)] })],
    },
  ],
  [
    'deploy pending',
    {
      eventId: 'e4',
      kind: 'deploy',
      detailType: 'ECR Image Action',
      outcome: 'pending',
      actions: [deployAction('pending', { reason: 'IMG-003: scan not complete' })],
    },
  ],
  [
    'deploy paused',
    {
      eventId: 'e5',
      kind: 'deploy',
      detailType: 'ECR Image Action',
      outcome: 'ignored',
      actions: [deployAction('paused', { reason: 'paused' })],
    },
  ],
  [
    'rollout succeeded',
    {
      eventId: 'e6',
      kind: 'deployment',
      detailType: 'ECS Deployment State Change',
      outcome: 'recorded',
      actions: [
        {
          cluster: 'prod',
          service: 'web',
          rollout: { digest, tag: '1.4.0', pipeline: 'web-prod' },
          status: 'succeeded',
          byDeckhand: true,
          deploymentId: 'ecs-svc/1',
        },
      ],
    },
  ],
  [
    'rolled back by ECS',
    {
      eventId: 'e7',
      kind: 'deployment',
      detailType: 'ECS Deployment State Change',
      outcome: 'rolled-back',
      actions: [
        {
          cluster: 'prod',
          service: 'web',
          rollout: { digest, tag: '1.4.0', pipeline: 'web-prod' },
          status: 'rolled-back',
          byDeckhand: true,
          reason: 'rolled back by ECS',
        },
      ],
    },
  ],
  [
    'task start impaired',
    {
      eventId: 'e8',
      kind: 'deployment',
      detailType: 'ECS Service Action',
      outcome: 'alerted',
      actions: [
        { cluster: 'prod', service: 'web', status: 'SERVICE_TASK_START_IMPAIRED', byDeckhand: false },
      ],
    },
  ],
  [
    'crash loop',
    {
      eventId: 'e9',
      kind: 'task',
      detailType: 'ECS Task State Change',
      outcome: 'alerted',
      actions: [
        {
          cluster: 'prod',
          service: 'web',
          taskArn: 't',
          crashLoop: true,
          failingStops: 3,
          window: '10m',
          digest,
          classification: { kind: 'oom', failing: true, exitCodes: { app: 137 }, reasons: [injection] },
          logsUrl:
            'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups',
        },
      ],
    },
  ],
  [
    'alarm rollback',
    {
      eventId: 'e10',
      kind: 'alarm',
      detailType: 'CloudWatch Alarm State Change',
      outcome: 'rolled-back',
      actions: [
        {
          pipeline: 'web-prod',
          cluster: 'prod',
          service: 'web',
          status: 'rolled-back',
          digest,
          from: 'web:8',
          to: 'web:7',
          reason: `alarm ${injection}`,
        },
      ],
    },
  ],
  [
    'alarm notify',
    {
      eventId: 'e11',
      kind: 'alarm',
      detailType: 'CloudWatch Alarm State Change',
      outcome: 'alerted',
      actions: [
        { pipeline: 'web-prod', cluster: 'prod', service: 'web', status: 'notified', reason: 'outside bake' },
      ],
    },
  ],
  [
    'out-of-band change',
    {
      eventId: 'e12',
      kind: 'audit',
      detailType: 'AWS API Call via CloudTrail',
      outcome: 'alerted',
      reason: 'by Admin',
      actions: [
        { resource: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:9', findings: [finding(1)] },
      ],
    },
  ],
];

const allText = (blocks: Record<string, unknown>[]): string => JSON.stringify(blocks);

describe('Block Kit messages', () => {
  it.each(outcomes)('%s: renders within Slack’s limits', (_name, outcome) => {
    const notices = noticesFor(outcome, context);
    expect(notices.length).toBeGreaterThan(0);
    for (const notice of notices) {
      const message = renderSlack(notice);
      expect(blockKitViolation(message.blocks as Block[])).toBeUndefined();
      expect(message.blocks[0]).toMatchObject({ type: 'header' });
      expect(message.text.length).toBeGreaterThan(0);
    }
  });

  it('says what happened, where, which image and revision, who triggered it, with links', () => {
    const notice = noticesFor(outcomes[0]?.[1] as Outcome, context)[0] as Notice;
    const text = allText(renderSlack(notice).blocks);
    for (const part of [
      'prod/web',
      'web-prod',
      'abababababab',
      'web:7 → web:8',
      'ECR push web:1.4.0',
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=eu-west-1',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('tells how to waive the failing rules of a blocked deploy', () => {
    const notice = noticesFor(outcomes[2]?.[1] as Outcome, context)[0] as Notice;
    expect(notice.trigger).toBe('guardrail');
    expect(allText(renderSlack(notice).blocks)).toMatch(
      /To waive: add to guardrails\.waivers \{id, rules: \[TD-001\], match: \{services: \[web\]\}/,
    );
  });

  it('escapes every string from AWS, so it cannot ping, mention or link', () => {
    for (const [, outcome] of outcomes) {
      for (const notice of noticesFor(outcome, context)) {
        const message = renderSlack(notice);
        const text = `${allText(message.blocks)}${message.text}`;
        expect(text).not.toContain('<!channel>');
        expect(text).not.toContain('<@U123>');
        expect(text).not.toContain('<https://evil.example|click>');
      }
    }
    expect(escapeMrkdwn(injection)).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; more',
    );
  });

  it('truncates with a visible “…and N more” instead of breaking the limits', () => {
    const many = Array.from({ length: 2000 }, (_, n) => finding(n));
    const notice = noticesFor(
      {
        eventId: 'big',
        kind: 'deploy',
        detailType: 'ECR Image Action',
        outcome: 'blocked',
        actions: [deployAction('blocked', { reason: 'x'.repeat(5000), findings: many })],
      },
      context,
    )[0] as Notice;
    const message = renderSlack({ ...notice, title: 'y'.repeat(400) });
    expect(blockKitViolation(message.blocks as Block[])).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(allText(message.blocks)).toMatch(/…and \d+ more/);
  });

  it('shares one thread per rollout between start, completion and rollback', () => {
    const threads = [0, 5, 9].map((index) => noticesFor(outcomes[index]?.[1] as Outcome, context)[0]?.thread);
    expect(new Set(threads).size).toBe(1);
    expect(threads[0]).toBe(`rollout#prod/web#${digest}`);
  });
});
