/**
 * The status view (core/status): what it says per pipeline and target from the ledger and ECS's describe,
 * the text `deckhand status` prints, and the HTML page and widget, with every AWS and ledger string escaped.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import type { EcsPort, ServiceSnapshot } from '#core/ports/ecs.ts';
import type { Promotion, RolloutRecord } from '#core/ports/records.ts';
import { renderStatusPage } from '#core/status/html-page.ts';
import { renderStatusWidget } from '#core/status/html-widget.ts';
import { loadStatusView } from '#core/status/load.ts';
import { statusRows, statusText } from '#core/status/text.ts';
import { shortDigest } from '#core/status/view.ts';
import { createMemoryLedger, ManualClock, type MemoryLedger } from '../helpers/memory-stores.ts';
import { sampleHome } from '../helpers/home.ts';

const digestA = `sha256:${'a1b2c3d4'.repeat(8)}`;
const digestB = `sha256:${'0f1e2d3c'.repeat(8)}`;
const hostile = '<img src=x onerror=alert(1)>';
const config = parseConfig(
  {
    teams: {
      web: {
        slack: {
          channel: 'C0WEBTEAM1',
          botToken: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:web-bot-AbCdEf',
        },
      },
    },
    pipelines: [
      {
        name: 'web-staging',
        repository: 'web',
        team: 'web',
        targets: [
          { cluster: 'staging', service: 'web' },
          { cluster: 'staging', service: `<svg onload=alert("svc")>` },
        ],
      },
      {
        name: 'web-prod',
        team: 'web',
        promote: { from: 'web-staging', approval: { approvers: ['U0APPROVE1'], expires: '24h' } },
        targets: [{ cluster: 'prod', service: 'web' }],
      },
    ],
  },
  'test',
);

const snapshot = (service: string, taskDefinition: string): ServiceSnapshot => ({
  clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging',
  serviceName: service,
  serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/staging/${service}`,
  status: 'ACTIVE',
  taskDefinition,
  desiredCount: 1,
  tags: [],
  deployments: [],
  shape: {},
});

/** ECS as a port: what describe answers per cluster (prod/web is missing). */
const ecs: Pick<EcsPort, 'describeServices'> = {
  describeServices: (cluster, services) =>
    Promise.resolve(
      new Map(
        services
          .filter(() => cluster === 'staging')
          .map((s) => [s, snapshot(s, `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${hostile}7`)]),
      ),
    ),
};

const rollout = (patch: Partial<RolloutRecord>): RolloutRecord => ({
  serviceKey: 'staging/web',
  cluster: 'staging',
  service: 'web',
  digest: digestA,
  tag: '1.4.0',
  pipeline: 'web-staging',
  eventId: 'e1',
  pushedAt: '2026-11-24T09:00:00.000Z',
  status: 'succeeded',
  fromTaskDefinition: 'web:6',
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:05:00.000Z',
  ...patch,
});

const awaiting: Promotion = {
  pipeline: 'web-prod',
  source: 'web-staging',
  digest: digestB,
  tag: `2.0.0${hostile}`,
  repository: 'web',
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web',
  pushedAt: '2026-11-24T09:00:00.000Z',
  status: 'awaiting-approval',
  approvals: [],
  expiresAt: '2026-11-25T09:00:00.000Z',
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:00.000Z',
};

let clock: ManualClock;
let ledger: MemoryLedger;
const view = (pipeline?: string) =>
  loadStatusView({ config, home: sampleHome, ecs, ledger, clock }, pipeline);

beforeEach(async () => {
  clock = new ManualClock();
  ledger = createMemoryLedger(clock);
  await ledger.heads.put(
    {
      serviceKey: 'staging/web',
      digest: digestA,
      tag: '1.4.0',
      pipeline: 'web-staging',
      pushedAt: '2026-11-24T09:00:00.000Z',
      eventId: 'e1',
      taskDefinition: 'web:7',
      version: 1,
      updatedAt: '2026-11-24T09:05:00.000Z',
    },
    undefined,
  );
  await ledger.rollouts.claim(rollout({}));
  await ledger.rollouts.claim(
    rollout({
      digest: digestB,
      tag: '1.5.1',
      status: 'rolled-back',
      reason: `alarm ${hostile}`,
      createdAt: '2026-11-24T09:10:00.000Z',
      updatedAt: '2026-11-24T09:30:00.000Z',
    }),
  );
  await ledger.pauses.put({
    serviceKey: 'staging/web',
    pipeline: 'web-staging',
    reason: 'alarm web-5xx',
    digest: digestB,
    pausedAt: '2026-11-24T09:30:00.000Z',
  });
  await ledger.drift.put('staging/web', {
    fingerprint: JSON.stringify([['config', 'a', 'b', ['containerDefinitions.app.privileged']]]),
    since: '2026-11-24T09:40:00.000Z',
  });
  await ledger.promotions.create(awaiting);
  await ledger.freezes.put({
    pipeline: 'web-prod',
    until: '2026-11-24T18:00:00.000Z',
    reason: `incident ${hostile}`,
    by: 'mary',
    at: '2026-11-24T09:00:00.000Z',
  });
  await ledger.freezes.hold({
    pipeline: 'web-prod',
    digest: digestA,
    tag: '1.4.0',
    repository: 'web',
    repositoryUri: awaiting.repositoryUri,
    pushedAt: '2026-11-24T09:00:00.000Z',
    requestId: 'r1',
    heldAt: '2026-11-24T09:50:00.000Z',
    reason: 'frozen',
  });
});

describe('the status view', () => {
  it('says per target what runs, what Deckhand deployed, the last rollout, pauses and drift', async () => {
    const { pipelines } = await view();
    const [staging, prod] = pipelines;
    expect(staging?.targets[0]).toMatchObject({
      serviceKey: 'staging/web',
      state: 'paused',
      deployed: { tag: '1.4.0', digest: digestA, shortDigest: 'sha256:a1b2c3d4a1b2' },
      lastRollout: { tag: '1.5.1', status: 'rolled-back' },
      paused: { reason: 'alarm web-5xx' },
      drift: { kinds: ['config'], fields: ['containerDefinitions.app.privileged'] },
    });
    expect(staging?.targets[1]?.state).toBe('idle');
    expect(prod?.targets[0]?.state).toBe('missing');
    expect(prod).toMatchObject({
      promotesFrom: 'web-staging',
      frozen: { until: '2026-11-24T18:00:00.000Z', reason: expect.stringContaining('incident') as unknown },
      held: [{ tag: '1.4.0', shortDigest: shortDigest(digestA) }],
      promotions: [{ status: 'awaiting-approval', required: 1, approvals: [] }],
    });
  });

  it('lists the approvals pending, and drops a request that has expired', async () => {
    expect((await view()).approvals.map((a) => a.digest)).toEqual([digestB]);
    clock.set('2026-11-25T09:00:01Z');
    expect((await view()).approvals).toEqual([]);
  });

  it('keeps `deckhand status` output: JSON rows and text blocks per target', async () => {
    const v = await view('web-staging');
    expect(statusRows(v)[0]).toMatchObject({
      pipeline: 'web-staging',
      account: '123456789012',
      region: 'eu-west-1',
      digest: digestA,
      tag: '1.4.0',
      lastRollout: { tag: '1.5.1', status: 'rolled-back' },
      paused: { reason: 'alarm web-5xx' },
    });
    const [text] = statusText(v);
    expect(text).toMatch(/^web-staging {2}123456789012 eu-west-1 {2}staging\/web {2}PAUSED\n/);
    expect(text).toContain(`  deployed  1.4.0 ${digestA}`);
    expect(text).toContain(
      '  drift     since 2026-11-24T09:40:00.000Z: config, containerDefinitions.app.privileged',
    );
    await expect(view('nope')).rejects.toThrow(/no pipeline named nope/);
  });
});

describe('the status page and widget HTML', () => {
  const raw = /<(script|img|svg)\b/i;

  it('escapes every ledger and AWS string in the page: hostile tags, service names and reasons stay text', async () => {
    const page = renderStatusPage(await view());
    expect(page).not.toMatch(raw);
    expect(page).toContain('staging/&lt;svg onload=alert(&quot;svc&quot;)&gt;');
    expect(page).toContain('2.0.0&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('incident &lt;img');
    expect(page).toContain('web:&lt;img src=x onerror=alert(1)&gt;7');
  });

  it('is one self-contained page: viewport, dark mode, inline CSS, no script and no external asset', async () => {
    const page = renderStatusPage(await view());
    expect(page).toMatch(/^<!doctype html>\s*<html lang="en">/);
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1" ?\/?>/);
    expect(page).toContain('@media (prefers-color-scheme:dark)');
    expect(page).not.toMatch(/<link\b|<script\b|src=["']?http|url\(/i);
    expect(page).toMatch(/<main>[\s\S]*<\/main>/);
    expect(page).toContain('<th scope="col">Target</th>');
  });

  it('escapes the widget too, and its buttons call the dashboard function with the action as JSON', async () => {
    const endpoint = 'arn:aws:lambda:eu-west-1:123456789012:function:deckhand-dashboard';
    const widget = renderStatusWidget(await view(), {
      endpoint,
      actor: 'console:123456789012',
      theme: 'dark',
    });
    expect(widget).not.toMatch(raw);
    expect(widget).toContain('class="deckhand theme-dark"');
    const actions = [...widget.matchAll(/<cwdb-action ([^>]*)>([^<]*)<\/cwdb-action\s*>/g)];
    const unescape = (text: string) =>
      text
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    expect(actions.map((a) => JSON.parse(unescape(a[2] ?? '').trim()) as unknown)).toEqual([
      { action: 'approve', pipeline: 'web-prod', digest: digestB },
      { action: 'decline', pipeline: 'web-prod', digest: digestB },
      { action: 'resume', pipeline: 'web-staging' },
    ]);
    for (const [, attributes] of actions)
      expect(attributes?.replace(/\s+/g, ' ')).toMatch(
        new RegExp(`^action="call" endpoint="${endpoint}" display="widget" confirmation="`),
      );
  });
});
