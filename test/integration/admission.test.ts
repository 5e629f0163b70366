/**
 * Admission for ECS against moto, with the three service-deployment APIs moto lacks answered in front of it
 * in AWS's documented shapes (schema-checked): the deployment lifecycle hook refuses a privileged revision
 * before a task starts, holds for an approval, refuses a frozen pipeline, fails a traffic shift while an
 * alarm fires (also at PRE_PRODUCTION_TRAFFIC_SHIFT, where the target's weight is still 0), never blocks a
 * rollback, and a pause hook resumes or rolls back on the decision.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { RegisterTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';
import { wireDeploys } from '#adapters/deploy-wiring.ts';
import { wireAlarms } from '#adapters/wiring.ts';
import { parseConfig } from '#core/config.ts';
import type { Clock } from '#core/ports/clock.ts';
import { silentLog } from '#core/ports/log.ts';
import { admitDeployment } from '#core/use-cases/admit-deployment.ts';
import { decidePromotion } from '#core/use-cases/decide-promotion.ts';
import { handleHookStateChange } from '#core/use-cases/pause-hook.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';
import { ecrUri, fargateService, Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { cliSession } from '../helpers/cli.ts';
import { ecsDeploymentArns, useEcsDeploymentsFront } from '../helpers/ecs-deployments.ts';
import { loadEvent, loadHookPayload } from '../helpers/load-event.ts';

const front = useEcsDeploymentsFront();
const seed = new Seeder();
const approver = 'U012ABCDEF';
const arns = () => ecsDeploymentArns('prod', 'web');
// An hour behind the wall clock, so what the CLI decides (on the wall clock) is the newest decision.
let now = Date.now() - 3_600_000;
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };
const revisions: Record<string, { arn: string; digest: string }> = {};

const rawConfig = {
  teams: {
    payments: { slack: { webhook: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:hook-AbCdEf' } },
  },
  pipelines: [
    { name: 'web-staging', repository: 'web', targets: [{ cluster: 'staging', service: 'web' }] },
    {
      name: 'web-prod',
      team: 'payments',
      promote: { from: 'web-staging', approval: { approvers: [approver], expires: '1h' } },
      targets: [{ cluster: 'prod', service: 'web' }],
      alarms: ['web-5xx'],
    },
  ],
  guardrails: { rules: { 'TD-001': 'block' } },
  admission: { bake: '60s' },
};
const config = parseConfig(rawConfig, 'admission');
const { writeConfig, cli, replay } = cliSession('admission');
const deps = () => ({ ...wireDeploys(config), alarms: wireAlarms(), clock, log: silentLog });

let executions = 0;
/** A hook invocation as ECS sends it, from AWS's sample. */
const hook = (
  stage: string,
  revision: string,
  deployment = 'dep-1',
  executionId = `exec-${(executions += 1)}`,
) => {
  const payload = loadHookPayload('production-traffic-shift.awsdocs');
  const target = arns().serviceRevisionArn(revision);
  return {
    ...payload,
    executionId,
    lifecycleStage: stage,
    resourceArn: arns().serviceDeploymentArn(deployment),
    executionDetails: {
      serviceArn: arns().serviceArn,
      targetServiceRevisionArn: target,
      testTrafficWeights: {},
      // Before any shift (and during a rollback alike): the target carries 0.
      productionTrafficWeights: { [target]: 0, [arns().serviceRevisionArn('blue')]: 100 },
    },
  };
};
const deployment = (id: string, status: string, revision: string, pauseHookId?: string) =>
  front().putDeployment({
    serviceDeploymentArn: arns().serviceDeploymentArn(id),
    serviceArn: arns().serviceArn,
    clusterArn: arns().clusterArn,
    status,
    targetServiceRevisionArn: arns().serviceRevisionArn(revision),
    ...(pauseHookId ? { pauseHookId } : {}),
  });
const alarm = (state: 'ALARM' | 'OK') =>
  new CloudWatchClient({}).send(
    new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: state, StateReason: 'test' }),
  );

describe('admission through the deployment lifecycle hook', () => {
  beforeAll(async () => {
    await createStateTable(createDynamoDbClient(), stateTableName());
    await seed.repository('web');
    const uri = ecrUri(testAccount(), testRegion(), 'web');
    const network = await seed.vpc();
    await seed.cluster('prod');
    const ecs = new ECSClient({});
    for (const [name, privileged] of [
      ['clean', false],
      ['privileged', true],
    ] as const) {
      const digest = await seed.pushImage('web', `2.0.${name.length}`);
      const td = webTaskDefinition('web', `${uri}@${digest}`, testAccount());
      if (privileged && td.containerDefinitions?.[0]) td.containerDefinitions[0].privileged = true;
      const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(td));
      revisions[name] = { arn: taskDefinition?.taskDefinitionArn ?? '', digest };
      front().putRevision({
        serviceRevisionArn: arns().serviceRevisionArn(name),
        serviceArn: arns().serviceArn,
        clusterArn: arns().clusterArn,
        taskDefinition: taskDefinition?.taskDefinitionArn ?? '',
        containerImages: [{ containerName: 'app', imageDigest: digest, image: `${uri}@${digest}` }],
      });
    }
    await seed.service(fargateService('prod', 'web', revisions.clean?.arn ?? '', network));
    await seed.alarm('web-5xx');
    deployment('dep-1', 'IN_PROGRESS', 'clean');
    writeConfig(rawConfig);
  });

  it('refuses a privileged revision at PRE_SCALE_UP, naming the finding, and answers the same again', async () => {
    const payload = hook('PRE_SCALE_UP', 'privileged');
    const outcome = await admitDeployment(payload, deps());
    expect(outcome).toMatchObject({
      eventId: payload.executionId,
      detailType: 'ECS Lifecycle Hook',
      outcome: 'hook',
      hookStatus: 'FAILED',
    });
    expect(outcome.reason).toMatch(/^guardrails: TD-001 \(app\)/);
    expect((await admitDeployment(payload, deps())).hookStatus).toBe('FAILED');
    expect(await deps().ledger.admissions.list('prod/web')).toEqual([
      expect.objectContaining({
        executionId: payload.executionId,
        stage: 'PRE_SCALE_UP',
        hookStatus: 'FAILED',
      }),
    ]);
  });

  it('admits a clean revision of a service in no pipeline at once, judged by the global settings', async () => {
    const other = ecsDeploymentArns('prod', 'other');
    front().putRevision({
      serviceRevisionArn: other.serviceRevisionArn('clean'),
      serviceArn: other.serviceArn,
      clusterArn: other.clusterArn,
      taskDefinition: revisions.clean?.arn ?? '',
    });
    front().putDeployment({
      serviceDeploymentArn: other.serviceDeploymentArn('dep-other'),
      serviceArn: other.serviceArn,
      clusterArn: other.clusterArn,
      status: 'IN_PROGRESS',
      targetServiceRevisionArn: other.serviceRevisionArn('clean'),
    });
    const payload = {
      ...hook('PRE_SCALE_UP', 'clean'),
      resourceArn: other.serviceDeploymentArn('dep-other'),
      executionDetails: {
        serviceArn: other.serviceArn,
        targetServiceRevisionArn: other.serviceRevisionArn('clean'),
        testTrafficWeights: {},
        productionTrafficWeights: {},
      },
    };
    const outcome = await admitDeployment(payload, deps());
    expect(outcome).toMatchObject({
      hookStatus: 'SUCCEEDED',
      actions: [{ service: 'other', hookStatus: 'SUCCEEDED' }],
    });
    expect(outcome.reason).toMatch(/^admitted: /);
  });

  it('holds a clean revision for its pipeline’s approval, then admits it once approved', async () => {
    const payload = hook('PRE_SCALE_UP', 'clean');
    const waiting = await admitDeployment(payload, deps());
    expect(waiting).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
      promotion: { outcome: 'awaiting-approval' },
    });
    expect((await admitDeployment(payload, deps())).promotion).toBeUndefined();
    const digest = revisions.clean?.digest ?? '';
    expect(
      (
        await decidePromotion(
          { pipeline: 'web-prod', ref: digest, approver, decision: 'approve', via: 'cli' },
          deps(),
        )
      ).status,
    ).toBe('approved');
    expect(await admitDeployment(payload, deps())).toMatchObject({
      hookStatus: 'SUCCEEDED',
      reason: `admitted: approved by ${approver}; 3 finding(s) to tell`,
    });
  });

  it('refuses any revision while the pipeline is frozen', async () => {
    await deps().ledger.freezes.put({
      pipeline: 'web-prod',
      until: new Date(now + 3_600_000).toISOString(),
      reason: 'year-end',
      by: 'ops',
      at: new Date(now).toISOString(),
    });
    const outcome = await admitDeployment(hook('PRE_SCALE_UP', 'clean'), deps());
    expect(outcome).toMatchObject({
      hookStatus: 'FAILED',
      reason: expect.stringContaining('web-prod frozen until') as unknown,
    });
    await deps().ledger.freezes.delete('web-prod');
  });

  it('fails a traffic shift while an alarm fires, even at PRE_PRODUCTION_TRAFFIC_SHIFT with the target at 0', async () => {
    await alarm('ALARM');
    for (const stage of [
      'PRE_PRODUCTION_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
    ]) {
      const outcome = await admitDeployment(hook(stage, 'clean'), deps());
      expect(outcome).toMatchObject({
        hookStatus: 'FAILED',
        reason: `alarm web-5xx in ALARM during ${stage}`,
      });
    }
  });

  it('never blocks a rollback: ROLLBACK_IN_PROGRESS succeeds at once, alarm or not', async () => {
    deployment('dep-rollback', 'ROLLBACK_IN_PROGRESS', 'clean');
    const outcome = await admitDeployment(
      hook('PRE_PRODUCTION_TRAFFIC_SHIFT', 'clean', 'dep-rollback'),
      deps(),
    );
    expect(outcome).toMatchObject({
      hookStatus: 'SUCCEEDED',
      reason: expect.stringContaining('never blocked') as unknown,
    });
    await alarm('OK');
  });

  it('bakes each step: IN_PROGRESS with a callBackDelay no longer than what remains, then SUCCEEDED', async () => {
    const payload = hook('POST_PRODUCTION_TRAFFIC_SHIFT', 'clean');
    expect(await admitDeployment(payload, deps())).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
    });
    now += 45_000;
    expect(await admitDeployment(payload, deps())).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 15,
    });
    now += 16_000;
    expect((await admitDeployment(payload, deps())).hookStatus).toBe('SUCCEEDED');
  });

  it('answers a hook payload through deckhand replay, and deckhand status shows the decision', async () => {
    const { status, outcome } = await replay(hook('PRE_SCALE_UP', 'privileged', 'dep-1', 'exec-replay'));
    expect(status).toBe(0);
    expect(outcome).toMatchObject({
      eventId: 'exec-replay',
      detailType: 'ECS Lifecycle Hook',
      outcome: 'hook',
      hookStatus: 'FAILED',
      reason: expect.stringMatching(/^guardrails: TD-001/) as unknown,
    });
    const rows = (await cli('status', 'web-prod', '--json')).lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(rows[0]).toMatchObject({
      admission: { stage: 'PRE_SCALE_UP', hookStatus: 'FAILED' },
    });
  });

  it('asks for approval when a pause hook waits, and resumes or rolls back the deployment on the decision', async () => {
    const pause = (deploymentId: string, revision: string) => {
      deployment(deploymentId, 'IN_PROGRESS', revision, `ecs-pause-${deploymentId}`);
      const event = loadEvent<{ detail: Record<string, unknown>; account: string; region: string }>(
        'aws.ecs/hook-state-change-hook-awaiting-action.awsdocs',
      );
      Object.assign(event, { account: testAccount(), region: testRegion(), id: `pause-${deploymentId}` });
      Object.assign(event.detail, {
        hookId: `ecs-pause-${deploymentId}`,
        serviceArn: arns().serviceArn,
        clusterArn: arns().clusterArn,
        serviceDeploymentArn: arns().serviceDeploymentArn(deploymentId),
        expiresAt: new Date(now + 600_000).toISOString(),
      });
      return handleHookStateChange(event, deps());
    };
    const digest = revisions.privileged?.digest ?? '';
    const decide = (decision: 'approve' | 'decline') =>
      decidePromotion({ pipeline: 'web-prod', ref: digest, approver, decision, via: 'slack' }, deps());
    expect((await pause('dep-pause', 'privileged')).outcome).toBe('awaiting-approval');
    expect((await pause('dep-pause', 'privileged')).outcome).toBe('ignored');
    expect((await decide('decline')).status).toBe('declined');
    expect(front().continued().at(-1)).toMatchObject({
      hookId: 'ecs-pause-dep-pause',
      action: 'ROLLBACK',
      answer: 'OK',
    });

    expect((await pause('dep-pause-2', 'privileged')).outcome).toBe('awaiting-approval');
    expect((await decide('approve')).status).toBe('approved');
    expect(front().continued().at(-1)).toMatchObject({
      hookId: 'ecs-pause-dep-pause-2',
      action: 'CONTINUE',
      answer: 'OK',
    });
    expect(await deps().ledger.promotions.get('web-prod', digest)).toMatchObject({ status: 'promoted' });

    expect((await pause('dep-pause-3', 'privileged')).outcome).toBe('awaiting-approval');
    now += 11 * 60_000;
    expect((await runTimers(deps())).actions).toEqual([expect.objectContaining({ status: 'expired' })]);
    expect(front().continued().at(-1)).toMatchObject({
      hookId: 'ecs-pause-dep-pause-3',
      action: 'ROLLBACK',
      answer: 'OK',
    });
  });
});
