/**
 * Fault paths of deploy-on-push: the real ECS adapter over a mocked SDK client (aws-sdk-client-mock),
 * with an in-memory ledger. The happy paths run against moto in test/integration.
 */
import { silentLog } from '#core/ports/log.ts';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ServiceNotActiveException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEcsAdapter } from '#adapters/ecs.ts';
import { parseConfig } from '#core/config.ts';
import { TransientError } from '#core/errors.ts';
import { deployImage } from '#core/use-cases/deploy-image.ts';
import { pushEvent } from '../helpers/events.ts';
import { createMemoryLedger, ManualClock, type MemoryLedger } from '../helpers/memory-stores.ts';
import { noRegistry, sampleHome } from '../helpers/home.ts';

const account = '123456789012';
const region = 'eu-west-1';
const uri = `${account}.dkr.ecr.${region}.amazonaws.com/web`;
const digest = `sha256:${'cd'.repeat(32)}`;
const family = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web';

const config = parseConfig(
  {
    pipelines: [
      {
        name: 'web',
        repository: 'web',
        targets: [
          { cluster: 'prod', service: 'web' },
          { cluster: 'prod', service: 'web-canary' },
        ],
      },
    ],
  },
  'test',
);

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
const serverError = () =>
  Object.assign(new Error('We encountered an internal error'), {
    name: 'ServerException',
    $metadata: { httpStatusCode: 500 },
  });

const ecsMock = mockClient(ECSClient);
let clock: ManualClock;
let ledger: MemoryLedger;
const deps = () => ({
  config,
  home: sampleHome,
  registry: noRegistry,
  ecs: createEcsAdapter(new ECSClient({ region })),
  ledger,
  clock,
  log: silentLog,
});
const push = pushEvent({ account, region, repository: 'web', tag: '1.4.0', digest, id: 'evt-1' });

/** What ECS answers when nothing fails. */
const normalAnswers = () =>
  new Map<unknown, unknown>([
    [DescribeServicesCommand, describeServicesAnswer()],
    [DescribeTaskDefinitionCommand, describeTaskDefinitionAnswer()],
    [RegisterTaskDefinitionCommand, { taskDefinition: { taskDefinitionArn: `${family}:4` } }],
    [UpdateServiceCommand, { service: { deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY' }] } }],
  ]);

const describeServicesAnswer = () => ({
  services: ['web', 'web-canary'].map((name) => ({
    serviceName: name,
    serviceArn: `arn:aws:ecs:${region}:${account}:service/prod/${name}`,
    clusterArn: `arn:aws:ecs:${region}:${account}:cluster/prod`,
    status: 'ACTIVE',
    taskDefinition: `${family}:3`,
    desiredCount: 2,
  })),
});

const describeTaskDefinitionAnswer = () => ({
  taskDefinition: {
    taskDefinitionArn: `${family}:3`,
    family: 'web',
    revision: 3,
    containerDefinitions: [{ name: 'app', image: `${uri}:1.3.0`, essential: true }],
  },
  tags: [{ key: 'team', value: 'payments' }],
});

beforeEach(() => {
  ecsMock.reset();
  clock = new ManualClock();
  ledger = createMemoryLedger(clock);
  ecsMock.on(DescribeServicesCommand).resolves(describeServicesAnswer());
  ecsMock.on(DescribeTaskDefinitionCommand).resolves(describeTaskDefinitionAnswer());
  ecsMock
    .on(RegisterTaskDefinitionCommand)
    .resolves({ taskDefinition: { taskDefinitionArn: `${family}:4` } });
});

describe('deploy on push, when AWS fails', () => {
  it('maps throttling to a TransientError, so EventBridge retries, and changes nothing', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(throttled());
    await expect(deployImage(push, deps())).rejects.toBeInstanceOf(TransientError);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ledger.state.rollouts.size).toBe(0);
  });

  it('resumes after a 500 on UpdateService: the retry reuses the revision it registered', async () => {
    ecsMock
      .on(UpdateServiceCommand, { service: 'web' })
      .resolves({ service: { deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY' }] } })
      .on(UpdateServiceCommand, { service: 'web-canary' })
      .rejectsOnce(serverError())
      .resolves({ service: { deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] } });

    await expect(deployImage(push, deps())).rejects.toBeInstanceOf(TransientError);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
    expect([...ledger.state.heads.keys()]).toEqual(['prod/web']);
    expect(ledger.state.rollouts.get(`prod/web-canary#${digest}`)).toMatchObject({ status: 'registered' });

    // EventBridge retries the same event a little later.
    clock.advance(1_000);
    const outcome = await deployImage(push, deps());
    expect(outcome.outcome).toBe('deployed');
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
    expect(outcome.actions.map((a) => [a.service, a.status, a.to])).toEqual([
      ['web', 'deployed', `${family}:4`],
      ['web-canary', 'deployed', `${family}:4`],
    ]);
    expect(ledger.state.heads.get('prod/web')).toMatchObject({
      digest,
      taskDefinition: `${family}:4`,
      version: 1,
    });
    expect(ledger.state.rollouts.get(`prod/web-canary#${digest}`)).toMatchObject({
      status: 'rolling',
      deploymentId: 'ecs-svc/2',
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand, { service: 'web' })).toHaveLength(1);
  });

  it('tells a concurrent duplicate to retry later while the first delivery holds the claim', async () => {
    const pending: (() => void)[] = [];
    ecsMock.on(UpdateServiceCommand).callsFake(
      () =>
        new Promise((resolve) => {
          pending.push(() => resolve({ service: { deployments: [] } }));
        }),
    );
    const first = deployImage(push, deps());
    await waitFor(() => ecsMock.commandCalls(UpdateServiceCommand).length > 0);
    await expect(deployImage(push, deps())).rejects.toThrow(/being handled by another delivery/);
    await waitFor(() => pending.length === 2);
    for (const release of pending) release();
    expect((await first).outcome).toBe('deployed');
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
  });

  it('fails one target on a permanent ECS error and still deploys the others', async () => {
    ecsMock
      .on(UpdateServiceCommand, { service: 'web-canary' })
      .rejects(new ServiceNotActiveException({ message: 'Service was not ACTIVE.', $metadata: {} }))
      .on(UpdateServiceCommand, { service: 'web' })
      .resolves({ service: { deployments: [] } });
    const outcome = await deployImage(push, deps());
    expect(outcome.outcome).toBe('failed');
    expect(outcome.reason).toMatch(/prod\/web-canary: .*ServiceNotActiveException/);
    expect(outcome.actions.find((a) => a.service === 'web')?.status).toBe('deployed');
    expect(ledger.state.rollouts.get(`prod/web-canary#${digest}`)?.status).toBe('failed');
  });
});

describe('the registration recorded while the services roll', () => {
  /** Holds the ledger's registration write until `land()`, or fails it with `fail(error)`; then `restore()`. */
  const slowRegistrationWrite = () => {
    const { registrations } = ledger;
    const put = registrations.put.bind(registrations);
    let land = () => {};
    let fail: (error: Error) => void = () => {};
    registrations.put = (...args) =>
      new Promise<void>((done, reject) => {
        land = () => void put(...args).then(done, reject);
        fail = reject;
      });
    return {
      land: () => land(),
      fail: (error: Error) => fail(error),
      restore: () => {
        registrations.put = put;
      },
    };
  };

  beforeEach(() => {
    ecsMock
      .on(UpdateServiceCommand)
      .resolves({ service: { deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY' }] } });
  });

  it('UpdateService does not wait for it, and the rollouts end `rolling` when it lands last', async () => {
    const write = slowRegistrationWrite();
    const outcome = deployImage(push, deps());
    await waitFor(() => ecsMock.commandCalls(UpdateServiceCommand).length === 2);
    expect(ledger.state.heads.size).toBe(0);
    write.land();
    expect((await outcome).outcome).toBe('deployed');
    for (const service of ['web', 'web-canary'])
      expect(ledger.state.rollouts.get(`prod/${service}#${digest}`)).toMatchObject({
        status: 'rolling',
        toTaskDefinition: `${family}:4`,
        deploymentId: 'ecs-svc/9',
      });
    expect(ledger.state.registrations.size).toBe(1);
  });

  it('failing after UpdateService, it is thrown for a retry with the claims handed back, and the retry completes', async () => {
    const write = slowRegistrationWrite();
    const outcome = deployImage(push, deps());
    await waitFor(() => ecsMock.commandCalls(UpdateServiceCommand).length === 2);
    write.fail(new TransientError('the ledger is throttled'));
    await expect(outcome).rejects.toBeInstanceOf(TransientError);
    expect(ledger.state.heads.size).toBe(0);
    expect(ledger.state.rollouts.get(`prod/web#${digest}`)).toMatchObject({
      status: 'claimed',
      leaseUntil: clock.now().toISOString(),
    });

    clock.advance(1_000);
    write.restore();
    const retried = await deployImage(push, deps());
    expect(retried.outcome).toBe('deployed');
    expect(ledger.state.heads.get('prod/web')).toMatchObject({ digest, version: 1 });
  });
});

const waitFor = async (condition: () => boolean): Promise<void> => {
  for (let attempt = 0; attempt < 200 && !condition(); attempt += 1) {
    await new Promise((done) => setTimeout(done, 5));
  }
  if (!condition()) throw new Error('condition never held');
};

describe('fault injection at each ECS call of the deploy path, in turn', () => {
  const commands = [
    DescribeServicesCommand,
    DescribeTaskDefinitionCommand,
    RegisterTaskDefinitionCommand,
    UpdateServiceCommand,
  ] as const;

  it.each(
    commands.flatMap((command) => [
      ['a 500', command.name, command, serverError] as const,
      ['throttling', command.name, command, throttled] as const,
    ]),
  )(
    '%s on %s is thrown for a retry, and the retry completes with one registration',
    async (_fault, _name, command, fault) => {
      ecsMock
        .on(UpdateServiceCommand)
        .resolves({ service: { deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY' }] } });
      const stub = ecsMock.on(command as never) as unknown as {
        rejectsOnce: (error: Error) => { resolves: (answer: unknown) => void };
      };
      stub.rejectsOnce(fault()).resolves(normalAnswers().get(command));
      await expect(deployImage(push, deps())).rejects.toBeInstanceOf(TransientError);
      clock.advance(1_000);
      const outcome = await deployImage(push, deps());
      expect(outcome.outcome).toBe('deployed');
      expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand).length).toBeLessThanOrEqual(2);
      expect(new Set(outcome.actions.map((a) => a.to))).toEqual(new Set([`${family}:4`]));
      expect(ledger.state.registrations.size).toBe(1);
    },
  );

  it('a Lambda timeout between register and update: the retry waits out the lease, then reuses the revision', async () => {
    let timedOut = true;
    ecsMock.on(UpdateServiceCommand).callsFake(() =>
      // The first invocation dies here, as a timed-out Lambda does: no catch, no claim handed back.
      timedOut ? new Promise(() => {}) : Promise.resolve({ service: { deployments: [] } }),
    );
    void deployImage(push, deps());
    await waitFor(() => ecsMock.commandCalls(UpdateServiceCommand).length >= 1);
    await expect(deployImage(push, deps())).rejects.toThrow(/being handled by another delivery/);
    timedOut = false;
    clock.advance(7 * 60_000);
    const outcome = await deployImage(push, deps());
    expect(outcome.outcome).toBe('deployed');
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
  });
});
