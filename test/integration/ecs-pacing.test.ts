/**
 * The ECS adapter against ECS's documented throttling (played by the proxy at full rates), with the SDK's
 * retries off so any throttle shows: a burst of describes, or of registrations, larger than the bucket is
 * paced, not refused.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEcsAdapter } from '#adapters/ecs.ts';
import type { RegisterInput } from '#core/task-definition.ts';
import { CountingProxy } from '../../scripts/lib/counting-proxy.ts';
import { ecsApiThrottles, ecsServerThrottles } from '../../scripts/lib/ecs-throttles.ts';
import { Seeder, webTaskDefinition } from '../../scripts/lib/seed.ts';
import { testAccount } from '../helpers/aws.ts';

let proxy: CountingProxy;
let motoEndpoint: string | undefined;

beforeAll(async () => {
  motoEndpoint = process.env.AWS_ENDPOINT_URL;
  await new Seeder().cluster('pacing');
  proxy = await CountingProxy.start(motoEndpoint ?? '');
});

afterAll(async () => {
  await proxy.close();
});

it('keeps a burst of DescribeServices inside the bucket although the burst takes time to reach ECS', async () => {
  const calls = ecsApiThrottles.DescribeServices.burst + 15;
  const names = Array.from({ length: calls * 10 }, (_, n) => `absent-${n}`);
  proxy.throttle(ecsServerThrottles());
  proxy.reset();
  const ecs = createEcsAdapter(new ECSClient({ endpoint: proxy.url, maxAttempts: 1 }));
  // Every name is absent, so each call answers a failure per service and no snapshot: only the pacing counts.
  await expect(ecs.describeServices('pacing', names, undefined)).resolves.toEqual(new Map());
  expect(proxy.calls.get('DescribeServices')).toBe(calls);
  expect(proxy.throttled.get('DescribeServices') ?? 0).toBe(0);
});

it('keeps a push of 25 families inside the RegisterTaskDefinition bucket although it keeps back less than a token', async () => {
  const families = ecsApiThrottles.RegisterTaskDefinition.burst + 5;
  proxy.throttle(ecsServerThrottles());
  proxy.reset();
  const ecs = createEcsAdapter(new ECSClient({ endpoint: proxy.url, maxAttempts: 1 }));
  const registered = await Promise.all(
    Array.from({ length: families }, (_, n) =>
      ecs.registerTaskDefinition(
        webTaskDefinition(`pacing-${n}`, 'public.ecr.aws/nginx/nginx:1', testAccount()) as RegisterInput,
        undefined,
      ),
    ),
  );
  expect(new Set(registered.map(({ taskDefinitionArn }) => taskDefinitionArn)).size).toBe(families);
  expect(proxy.calls.get('RegisterTaskDefinition')).toBe(families);
  expect(proxy.throttled.get('RegisterTaskDefinition') ?? 0).toBe(0);
});
