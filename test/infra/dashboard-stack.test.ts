/**
 * The `Deckhand` CloudWatch dashboard in the synthesized stack: metric widgets for the emitted measures (the
 * namespace and names the metrics module emits), the custom widget backed by the dashboard function, the
 * function's least-privilege role and the operators' invoke policy. cdk-nag and cfn-lint run over the same
 * default synth, dashboard included, in stack.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricNames, metricsNamespace, pipelineDimension } from '#core/metrics/names.ts';
import { buildApp } from '../../infra/build-app.ts';
import {
  actionsOf,
  functionId,
  functionProps,
  type Resource,
  resourcesOf,
  roleStatements,
} from '../helpers/template.ts';

const description = 'live status and approval buttons for the CloudWatch dashboard';

interface DashboardBody {
  widgets: { type: string; properties: Record<string, unknown> }[];
}

/** The dashboard body is an Fn::Join of strings and tokens (inside JSON strings); tokens read as TOKEN. */
const bodyOf = (resource: Resource): { text: string; tokens: unknown[] } => {
  const body = resource.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  if (typeof body === 'string') return { text: body, tokens: [] };
  const parts = body['Fn::Join'][1];
  return {
    text: parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''),
    tokens: parts.filter((part) => typeof part !== 'string'),
  };
};

describe('the Deckhand dashboard in the stack', () => {
  let template: Template;
  let outdir: string;
  let fnId: string;
  let body: DashboardBody;
  let tokens: unknown[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'deckhand-dashboard-cdk-'));
    const { app, stack } = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    app.synth();
    template = Template.fromStack(stack);
    fnId = functionId(template, description);
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0] as Resource;
    expect(dashboard.Properties.DashboardName).toBe('Deckhand');
    const parsed = bodyOf(dashboard);
    body = JSON.parse(parsed.text) as DashboardBody;
    tokens = parsed.tokens;
  });

  it('runs the dashboard function with the house runtime, its config and the state table', () => {
    expect(functionProps(template, fnId)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON' },
      Environment: {
        Variables: expect.objectContaining({
          DECKHAND_CONFIG: 'deckhand.config.json',
          DECKHAND_TABLE: expect.anything(),
        }),
      },
    });
  });

  it('graphs every emitted measure, per pipeline, in the metrics’ namespace', () => {
    const metricWidgets = body.widgets.filter((w) => w.type === 'metric');
    expect(metricWidgets.length).toBeGreaterThanOrEqual(4);
    const lines = metricWidgets.flatMap((w) => w.properties.metrics as unknown[][]);
    const graphed = new Set(lines.map((line) => `${String(line[0])}/${String(line[1])}`));
    for (const name of Object.values(metricNames)) expect(graphed).toContain(`${metricsNamespace}/${name}`);
    expect(lines.every((line) => line[2] === pipelineDimension)).toBe(true);
    expect(new Set(lines.map((line) => line[3]))).toEqual(
      new Set(['web-staging', 'web-production', 'web-production-eu']),
    );
  });

  it('has a custom widget backed by the dashboard function', () => {
    const custom = body.widgets.filter((w) => w.type === 'custom');
    expect(custom).toHaveLength(1);
    expect(custom[0]?.properties).toMatchObject({ title: 'Live status', endpoint: 'TOKEN' });
    expect(tokens).toContainEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });

  it('gives the function only reads, the ledger writes its buttons need, and telling the team', () => {
    const statements = roleStatements(template, fnId);
    expect(actionsOf(statements)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'ecs:ContinueServiceDeployment',
      'ecs:DescribeServices',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const describe = statements.find((s) => [s.Action].flat().includes('ecs:DescribeServices'));
    expect(JSON.stringify(describe?.Resource)).not.toContain('"*"');
    expect(JSON.stringify(describe?.Resource)).toContain('service/staging/web');
    expect(actionsOf(statements).some((a) => /UpdateService|RegisterTaskDefinition/.test(a))).toBe(false);
  });

  it('offers operators a managed policy that may invoke exactly the dashboard function', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter((p) =>
      String(p.Properties.Description).includes('Deckhand dashboard'),
    );
    expect(policies).toHaveLength(1);
    expect((policies[0]?.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } },
    ]);
  });
});
