import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { main } from '#cli/deckhand.ts';

const run = async (...args: string[]) => {
  const lines: string[] = [];
  const status = await main(args, (line) => lines.push(line));
  return { status, output: lines.join('\n') };
};

describe('deckhand init', () => {
  it('refuses without AWS_ENDPOINT_URL unless told --yes', async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      const refused = await run('init');
      expect(refused.status).toBe(2);
      expect(refused.output).toMatch(/refusing: AWS_ENDPOINT_URL is unset/);
    } finally {
      process.env.AWS_ENDPOINT_URL = endpoint;
    }
  });

  it('creates the state table at the endpoint, and is idempotent', async () => {
    process.env.DECKHAND_TABLE = 'deckhand-init-test';
    const first = await run('init');
    expect(first.status).toBe(0);
    expect((await run('init')).status).toBe(0);
    const { Table } = await new DynamoDBClient({}).send(
      new DescribeTableCommand({ TableName: 'deckhand-init-test' }),
    );
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['pk', 'sk']);
  });
});
