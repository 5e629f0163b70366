/**
 * `deckhand report` over a ledger on DynamoDB (moto), seeded with rollouts of known times: its figures are
 * the ones worked out by hand in test/unit/dora-metrics.test.ts (the seeds are moved to end at the real
 * time, which the CLI reports up to; durations and the window's shape are unchanged).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createDynamoDbLedger } from '#adapters/dynamodb/ledger.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { systemClock } from '#core/ports/clock.ts';
import { cliSession } from '../helpers/cli.ts';
import { doraConfig, doraExpected, seedDoraLedger } from '../helpers/dora-ledger.ts';

const session = cliSession('report');

describe('deckhand report, against moto', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    const ledger = createDynamoDbLedger(createDocumentClient(), stateTableName(), systemClock);
    await seedDoraLedger(ledger.rollouts, new Date().toISOString());
    session.writeConfig(doraConfig);
  });

  it('prints the four measures per pipeline as JSON', async () => {
    const { status, lines } = await session.cli('report', '--since', '30d', '--json');
    expect(status).toBe(0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '{}');
    expect(Date.parse(report.until) - Date.parse(report.since)).toBe(30 * 86_400_000);
    expect(report.pipelines).toEqual(doraExpected);
  });

  it('prints a table for people, for one pipeline or all', async () => {
    const { status, lines } = await session.cli('report');
    expect(status).toBe(0);
    expect(lines[0]).toMatch(/^DORA measures from \S+ to \S+ \(30 days\)$/);
    const cells = lines.slice(1, 5).map((line) => line.split(/\s{2,}/));
    expect(cells).toEqual([
      ['pipeline', 'deploys', 'per day', 'lead time', 'change failure rate', 'time to restore'],
      ['web-prod', '7', '0.23', '30m', '42.9% (3/7)', '11h 45m'],
      ['api-prod', '2', '0.07', '1h', '0% (0/2)', '3h'],
      ['idle', '0', '0.00', '-', '-', '-'],
    ]);

    const one = await session.cli('report', 'api-prod', '--json');
    expect(JSON.parse(one.lines[0] ?? '{}').pipelines.map((p: { pipeline: string }) => p.pipeline)).toEqual([
      'api-prod',
    ]);
    // A week back only api-prod's rollout of four days ago (a1, still rolling) is left.
    const week = await session.cli('report', '--since', '7d', '--json');
    expect(
      JSON.parse(week.lines[0] ?? '{}').pipelines.map((p: { deployments: number }) => p.deployments),
    ).toEqual([0, 1, 0]);
  });

  it('refuses an unknown pipeline or a bad --since with exit 2', async () => {
    expect((await session.cli('report', 'nope')).status).toBe(2);
    expect((await session.cli('report', '--since', 'lately')).status).toBe(2);
  });
});
