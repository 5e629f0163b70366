/** CloudFormation YAML: short-form intrinsics read as intrinsics; YAML 1.1 pitfalls avoided; templates judged. */
import { describe, expect, it } from 'vitest';
import { parseCloudFormationYaml, TemplateYamlError } from '#core/guardrails/cfn-yaml.ts';
import { evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { subjectsOf } from '#core/guardrails/inputs.ts';
import { defaultGuardrails } from '#core/guardrails/policy.ts';

describe('CloudFormation short forms', () => {
  it.each([
    ['!Ref Repo', { Ref: 'Repo' }],
    ["!Sub '${AWS::StackName}-web'", { 'Fn::Sub': '${AWS::StackName}-web' }],
    ["!Sub ['x-${A}', {A: 1}]", { 'Fn::Sub': ['x-${A}', { A: 1 }] }],
    ['!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ["!Join ['', [a, !Ref B]]", { 'Fn::Join': ['', ['a', { Ref: 'B' }]] }],
    ['!If [IsProd, a, b]', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['!Select [0, !Split [",", a]]', { 'Fn::Select': [0, { 'Fn::Split': [',', 'a'] }] }],
    ['!FindInMap [M, K, V]', { 'Fn::FindInMap': ['M', 'K', 'V'] }],
    ['!Base64 text', { 'Fn::Base64': 'text' }],
    ['!Equals [a, b]', { 'Fn::Equals': ['a', 'b'] }],
    ['!Not [!Condition C]', { 'Fn::Not': [{ Condition: 'C' }] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!ImportValue Shared', { 'Fn::ImportValue': 'Shared' }],
    ["!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!Cidr [!GetAtt Vpc.CidrBlock, 6, 5]', { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 5] }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
  ])('%s', (yaml, expected) => {
    expect(parseCloudFormationYaml(`Value: ${yaml}`)).toEqual({ Value: expected });
  });

  it('keeps `1000:0`, `yes` and `0755` as YAML 1.2 reads them, even under a %YAML 1.1 directive', () => {
    const text = 'User: 1000:0\nFlag: yes\nMode: 0755\nPort: 8080\n';
    for (const source of [text, `%YAML 1.1\n---\n${text}`]) {
      expect(parseCloudFormationYaml(source)).toEqual({ User: '1000:0', Flag: 'yes', Mode: 755, Port: 8080 });
    }
  });

  it('reports a YAML error with its position', () => {
    expect(() => parseCloudFormationYaml('a: [1, 2\nb: c')).toThrow(TemplateYamlError);
  });
});

describe('templates with short forms are judged as the intrinsics resolve', () => {
  const template = parseCloudFormationYaml(`
Mappings:
  Sizes: { prod: { Mem: 512 } }
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub '\${AWS::StackName}-web'
      TaskRoleArn: !GetAtt Role.Arn
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - Name: app
          Image: !Join ['', [!Sub '\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/web', ':1']]
          User: 1000:0
          Memory: !FindInMap [Sizes, prod, Mem]
          Privileged: !If [IsProd, true, true]
          ReadonlyRootFilesystem: !Ref AWS::NoValue
          Environment:
            - { Name: DB_PASSWORD, Value: !Ref DbPassword }
            - { Name: API_TOKEN, Value: !ImportValue shared-token }
`);

  it('resolves what it can and keeps references as references', () => {
    const [subject] = subjectsOf(template);
    expect(subject?.kind).toBe('task-definition');
    if (subject?.kind !== 'task-definition') return;
    const td = subject.taskDefinition;
    expect(td.family).toBe('stack-web');
    expect(td.taskRoleArn).toBe('${Role.Arn}');
    const [app] = td.containerDefinitions ?? [];
    expect(app).toMatchObject({
      image: '000000000000.dkr.ecr.region.amazonaws.com/web:1',
      user: '1000:0',
      memory: 512,
      privileged: true,
      environment: [
        { name: 'DB_PASSWORD', value: '${DbPassword}' },
        { name: 'API_TOKEN', value: { 'Fn::ImportValue': 'shared-token' } },
      ],
    });
    expect(app).not.toHaveProperty('readonlyRootFilesystem');
  });

  it('judges the rendered task: references are no TD-009 secret; the shared role fails TD-016', async () => {
    const [subject] = subjectsOf(template);
    if (subject?.kind !== 'task-definition') throw new Error('expected a task definition');
    const report = await evaluateTaskDefinition(subject.taskDefinition, [], defaultGuardrails(), {
      point: 'ci',
      subject: { images: [] },
      now: new Date('2026-11-24T12:00:00Z'),
    });
    const status = (rule: string) => report.findings.find((f) => f.rule === rule)?.status;
    expect(status('TD-009')).toBe('pass');
    expect(status('TD-004')).toBe('pass');
    expect(status('TD-016')).toBe('warn');
    expect(report.findings.filter((f) => f.status === 'error')).toEqual([]);
  });
});
