/**
 * The throttle-faithful front of the bench (scripts/lib/ecs-throttles.ts, scripts/lib/counting-proxy.ts):
 * the documented per-action buckets and the throttle-bound arithmetic, and the proxy's answer to an excess
 * call, which the SDK must parse as ECS's ThrottlingException, a transient error to Deckhand.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientAwsError } from '#adapters/aws-clients.ts';
import { ecsThrottles } from '#adapters/ecs.ts';
import { CountingProxy } from '../../scripts/lib/counting-proxy.ts';
import {
  ecsApiThrottles,
  ecsServerThrottles,
  ecsThrottlingResponse,
  secondsToPass,
  throttleBoundSeconds,
} from '../../scripts/lib/ecs-throttles.ts';

describe('the documented ECS buckets', () => {
  it('holds the figures of the AWS page for the actions Deckhand calls', () => {
    expect(ecsApiThrottles.RegisterTaskDefinition).toMatchObject({ burst: 20, perSecond: 1 });
    expect(ecsApiThrottles.UpdateService).toMatchObject({ burst: 50, perSecond: 5 });
    expect(ecsApiThrottles.DescribeServices).toMatchObject({ burst: 100, perSecond: 20 });
    expect(ecsApiThrottles.DescribeTaskDefinition).toMatchObject({ burst: 50, perSecond: 20 });
    expect(ecsApiThrottles.DescribeClusters).toMatchObject({ burst: 50, perSecond: 20 });
  });

  it("agrees with the ECS adapter's client-side buckets", () => {
    const table = ecsServerThrottles();
    expect(table.RegisterTaskDefinition).toEqual(ecsThrottles.registerTaskDefinition);
    expect(table.UpdateService).toEqual(ecsThrottles.updateService);
    expect(table.DescribeServices).toEqual(ecsThrottles.describeServices);
    expect(table.DescribeTaskDefinition).toEqual(ecsThrottles.describeTaskDefinition);
    expect(table.DeregisterTaskDefinition).toEqual(ecsThrottles.deregisterTaskDefinition);
  });

  it('scales the table', () => {
    expect(ecsServerThrottles(0.5).UpdateService).toEqual([25, 2.5]);
  });

  it('computes the throttle-bound minimum: the burst at once, the rest at the refill rate', () => {
    expect(secondsToPass(50, ecsApiThrottles.UpdateService)).toBe(0);
    expect(secondsToPass(500, ecsApiThrottles.UpdateService)).toBe(90);
    expect(secondsToPass(25, ecsApiThrottles.RegisterTaskDefinition)).toBe(5);
    // 5,000 services, 10 per DescribeServices call.
    expect(secondsToPass(500, ecsApiThrottles.DescribeServices)).toBe(20);
    // The buckets are independent: the slowest action bounds the workload.
    expect(throttleBoundSeconds({ RegisterTaskDefinition: 25, UpdateService: 500 })).toBe(90);
    expect(throttleBoundSeconds({})).toBe(0);
  });
});

describe('the counting proxy playing ECS throttling', () => {
  let upstream: Server;
  let proxy: CountingProxy;
  let forwarded = 0;

  beforeAll(async () => {
    upstream = createServer((incoming, outgoing) => {
      incoming.resume();
      incoming.on('end', () => {
        forwarded += 1;
        outgoing
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ services: [], failures: [] }));
      });
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    proxy = await CountingProxy.start(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise<void>((done) => upstream.close(() => done()));
  });

  const ecsCall = (operation: string) =>
    fetch(proxy.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
      },
      body: '{}',
    });

  it('passes the burst, then answers each excess call with a 400 ThrottlingException', async () => {
    proxy.throttle(ecsServerThrottles());
    proxy.reset();
    forwarded = 0;
    const answers = [];
    // 60 calls within far less than a second: 50 tokens, plus at most a few refilled at 5/s.
    for (let n = 0; n < 60; n += 1) answers.push(await ecsCall('UpdateService'));
    const passed = answers.filter((answer) => answer.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(50);
    expect(passed).toBeLessThan(55);
    expect(forwarded).toBe(passed);
    expect(proxy.throttled.get('UpdateService')).toBe(60 - passed);
    expect(proxy.calls.get('UpdateService')).toBe(60);
    const refused = answers.find((answer) => answer.status !== 200);
    expect(refused?.status).toBe(400);
    expect(refused?.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await refused?.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    // Another action has its own bucket.
    expect((await ecsCall('DescribeServices')).status).toBe(200);
  });

  it('refills at the sustained rate', async () => {
    proxy.throttle({ RegisterTaskDefinition: [1, 20] });
    expect((await ecsCall('RegisterTaskDefinition')).status).toBe(200);
    expect((await ecsCall('RegisterTaskDefinition')).status).toBe(400);
    await new Promise((done) => setTimeout(done, 120));
    expect((await ecsCall('RegisterTaskDefinition')).status).toBe(200);
  });

  it("is parsed by the SDK as ECS's ThrottlingException, a transient error", async () => {
    proxy.throttle({ DescribeServices: [0, 0] });
    const client = new ECSClient({
      endpoint: proxy.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    const failure = await client.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] })).then(
      () => undefined,
      (error: unknown) => error,
    );
    client.destroy();
    expect(failure).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isTransientAwsError(failure)).toBe(true);
    proxy.throttle();
  });

  it('builds the same answer on its own', () => {
    const answer = ecsThrottlingResponse('r-1');
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('ThrottlingException');
    expect(JSON.parse(answer.body)).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });
});
