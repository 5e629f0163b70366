/**
 * TD-009 and TD-010: secret-named variables holding literal values, and secret-looking values whatever the
 * name; `secretEnvNames` adds names, `allowedEnvNames` exempts them; findings never carry the value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateTaskDefinition } from '#core/guardrails/engine.ts';
import { guardrailsSchema } from '#core/guardrails/policy.ts';
import { classifyValue, isSecretName } from '#core/guardrails/secret-names.ts';
import { isHighEntropyToken, isJwt } from '#core/guardrails/secret-values.ts';
import type { TaskDefinitionShape } from '#core/guardrails/types.ts';

const now = new Date('2026-11-24T12:00:00Z');
const scope = { point: 'ci' as const, subject: { images: [] }, now };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
// Built at run time so no scanner flags this file.
const jwt = [
  b64({ alg: 'HS256', typ: 'JWT' }),
  b64({ sub: 'svc', iat: 1 }),
  randomBytes(32).toString('base64url'),
].join('.');
const token = `${randomBytes(30).toString('base64url')}Aa1`;
const password = ['Tr0ub4dor', '3xKq9vLmZ'].join('');

const taskWith = (environment: { name: string; value?: string }[]): TaskDefinitionShape => ({
  family: 'web',
  containerDefinitions: [{ name: 'app', image: 'x/y:1', environment }],
});

const judge = async (environment: { name: string; value?: string }[], settings: object = {}) => {
  const report = await evaluateTaskDefinition(
    taskWith(environment),
    [],
    guardrailsSchema.parse(settings),
    scope,
  );
  const of = (rule: string) => report.findings.find((f) => f.rule === rule);
  return { report, td009: of('TD-009'), td010: of('TD-010') };
};

describe('TD-009: secret-named variables with literal values', () => {
  it.each([
    'DB_PASSWORD',
    'db_password',
    'DbPassword',
    'MYSQL_PASSWD',
    'APP_SECRET',
    'GITHUB_TOKEN',
    'x-api-key',
    'MY_APIKEY',
    'SIGNING_PRIVATE_KEY',
    'SERVICE_CREDENTIALS',
    'aws_access_key_id',
    'AWS_SESSION_TOKEN',
    'ECS_ENGINE_AUTH_DATA',
  ])('%s holding a literal fails, naming the variable and not the value', async (name) => {
    const { td009, report } = await judge([{ name, value: password }]);
    expect(td009).toMatchObject({ status: 'fail', container: 'app' });
    expect(td009?.message).toContain(name);
    expect(JSON.stringify(report)).not.toContain(password);
  });

  it.each([
    ['empty', ''],
    ['absent', undefined],
    ['a Secrets Manager ARN', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf'],
    ['an SSM parameter ARN', 'arn:aws:ssm:eu-west-1:123456789012:parameter/db/password'],
    ['a ${…} reference', '${DB_PASSWORD}'],
    ['a reference inside a value', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['a CloudFormation dynamic reference', '{{resolve:secretsmanager:db:SecretString:password}}'],
    ['a placeholder', 'changeme'],
    ['a placeholder in brackets', '<your-password>'],
    ['a setting', '3600'],
    ['a boolean setting', 'true'],
  ])('a secret name with %s passes', async (_what, value) => {
    const { td009 } = await judge([{ name: 'DB_PASSWORD', ...(value === undefined ? {} : { value }) }]);
    expect(td009?.status).toBe('pass');
  });

  it.each(['MODE', 'LOG_LEVEL', 'PORT', 'KEYCLOAK_URL'])('%s is not a secret name', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('secretEnvNames adds words; allowedEnvNames exempts names and globs in any case', async () => {
    expect((await judge([{ name: 'STRIPE_KEY', value: password }])).td009?.status).toBe('pass');
    expect(
      (await judge([{ name: 'STRIPE_KEY', value: password }], { secretEnvNames: ['stripe'] })).td009?.status,
    ).toBe('fail');
    const exempt = { allowedEnvNames: ['next_public_token_url', '*_TOKEN_AUDIENCE'] };
    const { td009 } = await judge(
      [
        { name: 'NEXT_PUBLIC_TOKEN_URL', value: 'https://auth.example.com/oauth/token' },
        { name: 'api_token_audience', value: 'payments-api' },
      ],
      exempt,
    );
    expect(td009?.status).toBe('pass');
  });
});

describe('TD-010: secret values whatever the name', () => {
  it('finds a JWT in an innocently named variable, naming the variable only', async () => {
    const { td010, report } = await judge([{ name: 'UPSTREAM', value: jwt }]);
    expect(td010).toMatchObject({ status: 'fail', field: 'environment[UPSTREAM]' });
    expect(td010?.message).toBe('secret value(s) found: JWT in environment[UPSTREAM]');
    expect(JSON.stringify(report)).not.toContain(jwt.split('.')[1]);
  });

  it('finds a high-entropy token, and a JWT in a command line', async () => {
    expect((await judge([{ name: 'UPSTREAM_AUTH', value: token }])).td010?.message).toContain('HIGH_ENTROPY');
    const td: TaskDefinitionShape = {
      family: 'web',
      containerDefinitions: [
        { name: 'app', image: 'x/y:1', command: ['curl', '-H', `Authorization: Bearer ${jwt}`] },
      ],
    };
    const report = await evaluateTaskDefinition(td, [], guardrailsSchema.parse({}), scope);
    expect(report.findings.find((f) => f.rule === 'TD-010')?.message).toBe(
      'secret value(s) found: JWT in command[2]',
    );
  });

  it.each([
    ['a git commit', 'GIT_SHA', randomBytes(20).toString('hex')],
    ['a UUID', 'REQUEST_ID', '3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d'],
    ['an image digest', 'BASE_IMAGE', `public.ecr.aws/x/y@sha256:${randomBytes(32).toString('hex')}`],
    ['a URL', 'API_URL', 'https://api.example.com/v1/orders?region=eu-west-1'],
    ['a path', 'CLASSPATH', '/opt/app/lib/ApplicationServer2Bootstrap.jar'],
    ['an ARN', 'QUEUE', 'arn:aws:sqs:eu-west-1:123456789012:orders-DeadLetterQueue-1A2B3C4D5E6F'],
  ])('passes %s', async (_what, name, value) => {
    expect((await judge([{ name, value }])).td010?.status).toBe('pass');
  });

  it('allowedEnvNames exempts a variable from TD-010 as well', async () => {
    const { td010 } = await judge([{ name: 'PUBLIC_DEMO_JWT', value: jwt }], {
      allowedEnvNames: ['PUBLIC_DEMO_*'],
    });
    expect(td010?.status).toBe('pass');
  });
});

describe('detectors', () => {
  it('a JWT must decode: a dotted base64 string is not one', () => {
    expect(isJwt(jwt)).toBe(true);
    expect(isJwt(`${b64({ typ: 'JWT' })}.${b64({})}.sig`)).toBe(false);
    expect(isJwt('com.example.service.Application')).toBe(false);
  });
  it('high entropy needs mixed case, digits and more than 4.5 bits per character', () => {
    expect(isHighEntropyToken(token)).toBe(true);
    expect(isHighEntropyToken('ApplicationServer2Bootstrap')).toBe(false);
    expect(isHighEntropyToken(randomBytes(32).toString('hex'))).toBe(false);
  });
  it('classifies values', () => {
    expect(classifyValue('  ')).toBe('empty');
    expect(classifyValue('REPLACE_ME')).toBe('placeholder');
    expect(classifyValue('***')).toBe('placeholder');
    expect(classifyValue('$DB_PASSWORD')).toBe('reference');
    expect(classifyValue('30s')).toBe('setting');
    expect(classifyValue(password)).toBe('literal');
  });
});
