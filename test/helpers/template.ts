/** Reading a synthesized CloudFormation template in the infra tests: functions, their IAM, cdk-nag, cfn-lint. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { venvBin } from '../../scripts/lib/moto.ts';

export type Resource = { Type: string; Properties: Record<string, unknown> };
export type Resources = Record<string, Resource>;
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export const resourcesOf = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

/** The logical id of the one function whose description contains `text`. */
export const functionId = (template: Template, text: string): string => {
  const ids = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([, fn]) => String(fn.Properties.Description).includes(text))
    .map(([id]) => id);
  expect(ids, text).toHaveLength(1);
  return ids[0] as string;
};

export const functionProps = (template: Template, id: string): Record<string, unknown> =>
  (resourcesOf(template, 'AWS::Lambda::Function')[id] as Resource).Properties;

export const roleIdOf = (template: Template, fnId: string): string =>
  (functionProps(template, fnId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/** Every statement of the policies attached to a role, inline ones included. */
export const statementsOf = (template: Template, roleId: string): Statement[] => [
  ...Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`{"Ref":"${roleId}"}`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement),
  ...(
    (resourcesOf(template, 'AWS::IAM::Role')[roleId]?.Properties.Policies as
      { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []
  ).flatMap((policy) => policy.PolicyDocument.Statement),
];

/** Every statement of a function's role. */
export const roleStatements = (template: Template, fnId: string): Statement[] =>
  statementsOf(template, roleIdOf(template, fnId));

export const actionsOf = (statements: Statement[]): string[] =>
  [...new Set(statements.flatMap((s) => [s.Action].flat()))].sort();

/** cdk-nag's AwsSolutions report of a synth into `outdir`: no violation, every acknowledgement with a reason. */
export const expectNagClean = (outdir: string): void => {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      pluginName: string;
      conclusion: string;
      violations: { ruleName: string }[];
      suppressedViolations?: { ruleName: string; acknowledgedReason?: string; reason?: string }[];
    }[];
  };
  const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
  expect(nag?.violations.map((violation) => violation.ruleName)).toEqual([]);
  expect(nag?.conclusion).toBe('success');
  for (const suppressed of nag?.suppressedViolations ?? []) {
    expect(JSON.stringify(suppressed), suppressed.ruleName).toMatch(
      /"(acknowledgedReason|reason)":"[^"]{20,}/,
    );
  }
};

/** cfn-lint (the project venv's) over a template; `status` is its exit code. */
export const cfnLint = (template: unknown): { status: number; output: string } => {
  const file = join(mkdtempSync(join(tmpdir(), 'deckhand-cfn-')), 'template.json');
  writeFileSync(file, JSON.stringify(template));
  try {
    execFileSync(venvBin('cfn-lint'), ['--format', 'parseable', file], { encoding: 'utf8' });
    return { status: 0, output: '' };
  } catch (error) {
    const failure = error as { status: number; stdout: string };
    return { status: failure.status, output: failure.stdout };
  }
};
