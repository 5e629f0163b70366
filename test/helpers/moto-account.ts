/**
 * Runs before each test file that talks to moto: points the SDK at moto and moves the file into an
 * AWS account of its own (sts:AssumeRole), so that files run in parallel without seeing each other.
 * Every client built after this, including the handlers' module-scope clients, uses that account.
 */
import { randomInt } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, inject } from 'vitest';
import { motoLogTail } from '../../scripts/lib/moto.ts';

export const testRegion = 'eu-west-1';
const endpoint = inject('motoEndpoint');
const logFile = inject('motoLogFile');

Object.assign(process.env, {
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: testRegion,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
});
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

const account = String(randomInt(100_000_000_000, 999_999_999_999));
const { Credentials: credentials } = await new STSClient({}).send(
  new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/deckhand-test`, RoleSessionName: 'vitest' }),
);
if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
  throw new Error('moto returned no credentials');
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
  AWS_SESSION_TOKEN: credentials.SessionToken ?? '',
  DECKHAND_TEST_ACCOUNT: account,
  // As the stack sets it for the functions: the hub is the test file's own account.
  DECKHAND_HOME_ACCOUNT: account,
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') {
    console.error(`[moto] log tail for failed test "${context.task.name}":\n${motoLogTail(logFile, 60)}`);
  }
});
