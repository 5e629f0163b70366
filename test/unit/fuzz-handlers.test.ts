/**
 * Hostile input, for every handler's use case (fast-check): malformed events never throw, are `rejected`
 * naming the event id and the field, and reach no AWS port; arbitrary input never throws. FUZZ_RUNS sets the
 * cases per property (10,000 by default); a failure prints its seed and path, and FUZZ_SEED replays it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#commons/powertools.ts';
import { parseConfig } from '#core/config.ts';
import { TargetError } from '#core/errors.ts';
import type { Outcome } from '#core/outcome.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { handleAlarm } from '#core/use-cases/alarm-rollback.ts';
import { auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { handleImageAction } from '#core/use-cases/deploy-image.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';
import { type EventName, loadEvent } from '../helpers/load-event.ts';
import { createMemoryLedger, ManualClock } from '../helpers/memory-stores.ts';
import { noRegistry, sampleHome } from '../helpers/home.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
console.log(`fuzz: ${numRuns} cases per property, seed ${seed} (replay with FUZZ_SEED=${seed})`);

const config = parseConfig(
  {
    pipelines: [
      { name: 'web', repository: 'web', targets: [{ cluster: 'prod', service: 'web' }], alarms: ['web-5xx'] },
    ],
  },
  'fuzz',
);

/** Ports that count every call: the only way a use case reaches AWS. */
const countingDeps = () => {
  let calls = 0;
  const counting = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  const clock = new ManualClock();
  const ecs = counting({
    describeServices: () => Promise.resolve(new Map()),
    // As the adapter answers for a task definition that does not exist.
    describeTaskDefinition: () => Promise.reject(new TargetError('task definition not found')),
    registerTaskDefinition: () => Promise.resolve({ taskDefinitionArn: 'x' }),
    updateService: () => Promise.resolve({}),
    deregisterTaskDefinition: () => Promise.resolve(),
  });
  const { state: _state, ...stores } = createMemoryLedger(clock);
  // Every store counted: the ledger is the other half of a use case's ports.
  const ledger = Object.fromEntries(
    Object.entries(stores).map(([name, store]) => [name, counting(store)]),
  ) as unknown as Ledger;
  const alarms = counting({ tagsOf: () => Promise.resolve({}) });
  return {
    deps: {
      config,
      home: sampleHome,
      registry: noRegistry,
      ecs,
      ledger,
      clock,
      log: logger,
      alarms,
      selfRoles: [],
    },
    calls: () => calls,
  };
};

type UseCase = (input: unknown, deps: ReturnType<typeof countingDeps>['deps']) => Promise<Outcome>;
const handlers: [string, UseCase, EventName][] = [
  ['image-push', handleImageAction, 'aws.ecr/image-action-push-success'],
  ['image-scan', recordScan, 'aws.ecr/image-scan-complete'],
  ['ecs-change', auditEcsChange, 'aws.ecs/cloudtrail-register-task-definition'],
  ['ecs-events (deployment)', followServiceEvent, 'aws.ecs/deployment-state-change-completed.awsdocs'],
  ['ecs-events (task)', followTaskEvent, 'aws.ecs/task-stopped-oom'],
  ['alarm', handleAlarm, 'aws.cloudwatch/alarm-state-change-single-metric.awsdocs'],
];

/** A value of the wrong kind for any field: null where an object belongs, numbers for strings, and so on. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ unit: 'grapheme', maxLength: 5 }).map((s) => [s]),
);

/** Paths of the fields every event of this kind must have, from its sample. */
const requiredPaths = (sample: Record<string, unknown>): string[][] => [
  ['id'],
  ['detail-type'],
  ['source'],
  ['time'],
  ['detail'],
  ...Object.keys(sample.detail ?? {})
    .filter((key) =>
      [
        'repository-name',
        'image-digest',
        'alarmName',
        'state',
        'eventName',
        'taskArn',
        'version',
        'lastStatus',
        'scan-status',
        'eventSource',
        'deploymentId',
      ].includes(key),
    )
    .map((key) => ['detail', key]),
];

const valueAt = (target: Record<string, unknown>, path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], target);
const kindOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

const setPath = (target: Record<string, unknown>, path: string[], value: unknown, remove: boolean) => {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (remove) delete node[last];
  else node[last] = value;
};

afterEach(() => vi.restoreAllMocks());

describe.each(handlers)('%s under hostile input', (_name, useCase, sampleName) => {
  const sample = loadEvent<Record<string, unknown>>(sampleName);
  const paths = requiredPaths(sample).filter((path) => path[0] !== 'detail-type' && path[0] !== 'source');

  it('rejects a malformed event naming its id and field, with no AWS call and no throw', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        wrongValue,
        fc.boolean(),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        async (path, value, remove, id) => {
          // A value of the field's own kind may be valid: only other kinds are malformed.
          fc.pre(remove || kindOf(value) !== kindOf(valueAt(sample, path)));
          const event = structuredClone(sample);
          if (path[0] !== 'id') event.id = id.length > 0 ? id : 'fuzz-id';
          setPath(event, path, value, remove);
          const { deps, calls } = countingDeps();
          warn.mockClear();
          const outcome = await useCase(event, deps);
          expect(outcome.outcome).toBe('rejected');
          expect(calls()).toBe(0);
          expect(warn).toHaveBeenCalledWith(
            'event rejected',
            expect.objectContaining({ eventId: expect.any(String), field: expect.any(String) }),
          );
          const field = (warn.mock.calls[0]?.[1] as { field: string }).field;
          expect(field.split(/[.[]/)[0]).toBe(path[0] === 'detail' ? 'detail' : path[0]);
        },
      ),
      { numRuns, seed },
    );
  }, 30_000); // hundreds of runs: on a loaded 2-core machine this nears the 5 s default

  it('never throws on arbitrary input, and acts only on what parses', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => {});
    vi.spyOn(logger, 'info').mockImplementation(() => {});
    const anyEvent = fc.oneof(
      fc.anything(),
      fc.record({
        'detail-type': fc.constantFrom(String(sample['detail-type'])),
        source: fc.constantFrom(String(sample.source)),
        detail: fc.anything(),
        id: fc.string(),
      }),
      fc
        .dictionary(fc.string(), fc.anything())
        .map((extra) => ({ ...structuredClone(sample), detail: { ...(sample.detail as object), ...extra } })),
    );
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const { deps, calls } = countingDeps();
        const outcome = await useCase(event, deps);
        expect([
          'rejected',
          'ignored',
          'recorded',
          'alerted',
          'deployed',
          'failed',
          'blocked',
          'pending',
          'rolled-back',
        ]).toContain(outcome.outcome);
        if (outcome.outcome === 'rejected') expect(calls()).toBe(0);
      }),
      { numRuns: Math.ceil(numRuns / 4), seed },
    );
  });
});
