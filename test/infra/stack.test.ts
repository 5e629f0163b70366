import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { venvBin } from '../../scripts/lib/moto.ts';

describe('the cdk-nag check itself', () => {
  it('reports a known violation, so a clean report means something', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Queue(stack, 'PlainQueue', { encryption: QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks(stack).validateScope(stack).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS/)]));
  });
});

describe.each([false, true])('Deckhand stack (production: %s)', (production) => {
  let template: Template;
  let stack: ReturnType<typeof buildApp>['stack'];

  beforeAll(() => {
    const built = buildApp({ production, outdir: mkdtempSync(join(tmpdir(), 'deckhand-cdk-')) });
    stack = built.stack;
    built.app.synth();
    template = Template.fromStack(stack);
  });

  it('has the state table: on-demand, PITR, encrypted, TTL, deletion protection only in production', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: production,
        }),
      ],
    });
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks(stack).validateScope(stack);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.resourceLogicalId}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('passes cfn-lint with no errors', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deckhand-cfn-')), 'template.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    let status = 0;
    let output = '';
    try {
      execFileSync(venvBin('cfn-lint'), ['--format', 'parseable', file], { encoding: 'utf8' });
    } catch (error) {
      const failure = error as { status: number; stdout: string };
      status = failure.status;
      output = failure.stdout;
    }
    // cfn-lint's exit code is a bit mask: 1 fatal, 2 error, 4 warning, 8 informational.
    expect(status & 3, output).toBe(0);
  });
});
