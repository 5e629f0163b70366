/**
 * The dashboard's custom widget (core/use-cases/dashboard-widget.ts): `describe` docs, live status, and its
 * buttons' calls — validated, then acted on through the same use cases as Slack and the CLI, as the console
 * user; anything malformed changes nothing and says which field.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '#core/ports/log.ts';
import type { Promotion } from '#core/ports/records.ts';
import { answerWidget, type DashboardDeps } from '#core/use-cases/dashboard-widget.ts';
import { createMemoryLedger, ManualClock, type MemoryLedger } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';
import { webPromotionConfig } from '../helpers/config.ts';

const digest = `sha256:${'0f1e2d3c'.repeat(8)}`;
const account = '123456789012';
const functionArn = `arn:aws:lambda:eu-west-1:${account}:function:deckhand-dashboard`;
const config = webPromotionConfig({ approvers: ['U0APPROVE1'], expires: '24h' });

const awaiting: Promotion = {
  pipeline: 'web-prod',
  source: 'web-staging',
  digest,
  tag: '2.0.0',
  repository: 'web',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
  pushedAt: '2026-11-24T09:00:00.000Z',
  status: 'awaiting-approval',
  approvals: [],
  expiresAt: '2026-11-25T09:00:00.000Z',
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:00.000Z',
};

const widgetContext = (actor?: unknown) => ({
  dashboardName: 'Deckhand',
  widgetId: 'widget-7',
  accountId: account,
  locale: 'en',
  theme: 'light',
  params: {},
  forms: { all: actor === undefined ? {} : { actor } },
  width: 1200,
  height: 600,
});

let clock: ManualClock;
let ledger: MemoryLedger;
let deps: DashboardDeps;

beforeEach(async () => {
  clock = new ManualClock();
  ledger = createMemoryLedger(clock);
  deps = {
    config,
    home: sampleHome,
    ledger,
    clock,
    log: silentLog,
    functionArn,
    ecs: { describeServices: () => Promise.resolve(new Map()) },
  };
  await ledger.promotions.create(awaiting);
  await ledger.pauses.put({
    serviceKey: 'staging/web',
    pipeline: 'web-staging',
    reason: 'alarm web-5xx',
    digest,
    pausedAt: '2026-11-24T09:30:00.000Z',
  });
});

const html = async (event: unknown): Promise<string> => {
  const { body } = await answerWidget(event, deps);
  expect(typeof body).toBe('string');
  return body as string;
};
const unchanged = async () => {
  expect((await ledger.promotions.get('web-prod', digest))?.status).toBe('awaiting-approval');
  expect(await ledger.pauses.get('staging/web')).toBeDefined();
};

describe('the dashboard widget', () => {
  it('answers `describe` with its documentation as markdown', async () => {
    const { body } = await answerWidget({ describe: true, widgetContext: widgetContext() }, deps);
    expect(body).toEqual({ markdown: expect.stringContaining('### Buttons') as unknown });
  });

  it('renders live status with Resume, Approve and Decline calling this function back', async () => {
    const page = await html({ widgetContext: widgetContext() });
    expect(page).toContain('web-staging');
    expect(page).toContain('2.0.0');
    expect(page.match(/<cwdb-action action="call" endpoint="([^"]+)"/g)).toHaveLength(3);
    expect(page).toContain(`endpoint="${functionArn}"`);
    expect(page).toContain(`recorded with console:${account}`);
    await unchanged();
  });

  it('approves as the console user (and the name typed in the widget), recorded as via the dashboard', async () => {
    const answer = await answerWidget(
      { action: 'approve', pipeline: 'web-prod', digest, widgetContext: widgetContext('mary') },
      deps,
    );
    const promotion = await ledger.promotions.get('web-prod', digest);
    expect(promotion).toMatchObject({
      status: 'approved',
      approvals: [{ approver: `console:${account}/mary`, via: 'dashboard' }],
      decidedBy: `console:${account}/mary`,
    });
    expect(answer.outcome).toMatchObject({ outcome: 'approved' });
    expect(answer.body).toContain(`console:${account}/mary: approved 2.0.0`);
  });

  it('declines as the console user', async () => {
    await html({ action: 'decline', pipeline: 'web-prod', digest, widgetContext: widgetContext() });
    expect(await ledger.promotions.get('web-prod', digest)).toMatchObject({
      status: 'declined',
      decidedBy: `console:${account}`,
    });
  });

  it('resumes a paused pipeline, and says when it was not paused', async () => {
    const first = await html({ action: 'resume', pipeline: 'web-staging', widgetContext: widgetContext() });
    expect(await ledger.pauses.get('staging/web')).toBeUndefined();
    expect(first).toContain(`console:${account} resumed web-staging on staging/web`);
    const again = await html({ action: 'resume', pipeline: 'web-staging', widgetContext: widgetContext() });
    expect(again).toContain('web-staging was not paused anywhere');
  });

  it.each([
    [{ action: 'approve', pipeline: 'web-prod', digest: 'sha256:nothex' }, 'action.digest'],
    [{ action: 'approve', pipeline: 'web-prod' }, 'action.digest: required'],
    [{ action: 'deploy', pipeline: 'web-prod', digest }, 'action.action'],
    [{ action: 'resume', pipeline: '<b>web</b>' }, 'action.pipeline'],
    [{ action: 'resume', pipeline: 'web-staging', force: true }, 'force'],
    [{ action: 42 }, 'action.action'],
  ])('refuses %j with an error naming %s, and changes nothing', async (fields, field) => {
    const page = await html({ ...fields, widgetContext: widgetContext() });
    expect(page).toContain('Nothing done:');
    expect(page).toContain(field);
    expect(page).not.toContain('<b>web</b>');
    await unchanged();
  });

  it('refuses a request without a widgetContext, and a name that is not a plain name', async () => {
    const bare = await html({ action: 'resume', pipeline: 'web-staging' });
    expect(bare).toContain('Not a CloudWatch custom widget request: widgetContext');
    const named = await html({
      action: 'resume',
      pipeline: 'web-staging',
      widgetContext: widgetContext('<img src=x>'),
    });
    expect(named).toContain('Nothing done: widgetContext.forms.all.actor');
    expect(named).not.toContain('<img');
    await unchanged();
  });

  it('refuses an unknown pipeline in the widget parameters', async () => {
    expect(await html({ pipeline: 'nope', widgetContext: widgetContext() })).toContain(
      'No pipeline named nope',
    );
  });
});
