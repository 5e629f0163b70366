/**
 * The lifecycle hook under hostile input (fast-check): whatever ECS (or anything else) sends, it never
 * throws and always answers a valid hookStatus; a malformed payload fails closed, naming the field, and makes
 * no AWS call; AWS's documented payloads for every stage parse. FUZZ_RUNS / FUZZ_SEED as in fuzz-handlers.
 */
import { DeploymentLifecycleHookStage, DeploymentLifecycleHookStatus } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import { TransientError } from '#core/errors.ts';
import { lifecycleHookSchema, lifecycleStages } from '#core/events/lifecycle-hook.ts';
import { silentLog } from '#core/ports/log.ts';
import { admitDeployment } from '#core/use-cases/admit-deployment.ts';
import { projectRoot } from '../../scripts/lib/moto.ts';
import { loadHookPayload } from '../helpers/load-event.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
console.log(`fuzz (deployment hook): ${numRuns} cases, seed ${seed} (replay with FUZZ_SEED=${seed})`);

const samples = [
  'pre-scale-up',
  'post-scale-up',
  'test-traffic-shift',
  'post-test-traffic-shift',
  'pre-production-traffic-shift',
  'production-traffic-shift',
  'post-production-traffic-shift',
  'production-traffic-shift-rollback',
  'with-hook-details',
].map((name) => loadHookPayload(`${name}.awsdocs`));

const config = (onError: 'fail' | 'continue') =>
  parseConfig({ pipelines: [], admission: { onError, alarms: ['any-alarm'] } }, 'fuzz');

/** Ports that count calls, answering as if nothing were found, or failing transiently. */
const deps = (onError: 'fail' | 'continue', failing: boolean) => {
  let calls = 0;
  const answer = <T>(value: T) => {
    calls += 1;
    return failing ? Promise.reject(new TransientError('throttled')) : Promise.resolve(value);
  };
  const clock = new ManualClock();
  return {
    deps: {
      config: config(onError),
      // The samples' services are in 123456789012, us-west-2.
      home: { account: '123456789012', region: 'us-west-2' },
      ecs: {
        describeServices: () => answer(new Map()),
        describeTaskDefinition: () => answer({ taskDefinition: {}, tags: [] }),
      },
      deployments: {
        describeServiceRevision: () => answer(undefined),
        describeServiceDeployment: () => answer(undefined),
      },
      alarms: { firing: () => answer([] as string[]) },
      ledger: createMemoryLedger(clock),
      clock,
      log: silentLog,
    },
    calls: () => calls,
  };
};

const statuses = ['SUCCEEDED', 'FAILED', 'IN_PROGRESS'];

describe('deployment hook under hostile input', () => {
  it('knows every lifecycle stage the SDK knows, and reads AWS’s documented payload of each', () => {
    expect([...lifecycleStages].sort()).toEqual(Object.values(DeploymentLifecycleHookStage).sort());
    for (const sample of samples) expect(lifecycleHookSchema.safeParse(sample).success).toBe(true);
    // What the hook answers is what ECS records as the hook's status (AWAITING_ACTION and TIMED_OUT are ECS's own).
    for (const status of statuses) expect(Object.values(DeploymentLifecycleHookStatus)).toContain(status);
    const response = JSON.parse(
      readFileSync(
        join(projectRoot, '..', 'shared', 'payloads', 'ecs-lifecycle-hook-response.awsdocs.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(Object.keys(response).sort()).toEqual(['callBackDelay', 'hookDetails', 'hookStatus']);
    expect(statuses).toContain(response.hookStatus);
    expect(typeof response.callBackDelay).toBe('number');
  });

  it('never throws, always answers a valid hookStatus, and fails a malformed payload closed with no AWS call', async () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...samples),
        fc.constantFrom(
          'executionId',
          'lifecycleStage',
          'resourceArn',
          'executionDetails',
          'serviceArn',
          'target',
        ),
        fc.anything(),
      )
      .map(([sample, field, value]) => {
        const payload = structuredClone(sample) as Record<string, unknown> & {
          executionDetails: Record<string, unknown>;
        };
        if (field === 'serviceArn') payload.executionDetails.serviceArn = value;
        else if (field === 'target') payload.executionDetails.targetServiceRevisionArn = value;
        else (payload as Record<string, unknown>)[field] = value;
        return payload;
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), mutated, fc.constantFrom(...samples)),
        fc.constantFrom<'fail' | 'continue'>('fail', 'continue'),
        fc.boolean(),
        async (input, onError, failing) => {
          const { deps: d, calls } = deps(onError, failing);
          const outcome = await admitDeployment(input, d);
          expect(statuses).toContain(outcome.hookStatus);
          expect(outcome.kind).toBe('hook');
          if (outcome.hookStatus === 'IN_PROGRESS') expect(outcome.callBackDelay).toBeGreaterThan(0);
          if (!lifecycleHookSchema.safeParse(input).success) {
            expect(calls()).toBe(0);
            expect(outcome.hookStatus).toBe(onError === 'continue' ? 'SUCCEEDED' : 'FAILED');
            expect(outcome.reason).toMatch(/^malformed hook payload /);
          } else if (failing) {
            expect(outcome.hookStatus).toBe('IN_PROGRESS');
          }
        },
      ),
      { numRuns, seed },
    );
  }, 60_000);
});
