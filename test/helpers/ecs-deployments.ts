/**
 * The ECS service-deployment front (scripts/lib/ecs-deployments-front.ts) for an integration test file:
 * started before the file's tests in front of the current AWS_ENDPOINT_URL (this file's moto), which then
 * points at the front until the file's tests are done. Requests keep their credentials, so moto still sees
 * the file's own account.
 *
 * An SDK client resolves AWS_ENDPOINT_URL at its first call and keeps it: clients whose first call comes
 * after the front started go through it; clients that already called moto keep calling moto directly.
 */
import { afterAll, beforeAll } from 'vitest';
import { EcsDeploymentsFront } from '../../scripts/lib/ecs-deployments-front.ts';
import { testAccount, testRegion } from './aws.ts';

/** Registers beforeAll/afterAll hooks; the returned function gives the running front inside tests. */
export const useEcsDeploymentsFront = (): (() => EcsDeploymentsFront) => {
  let front: EcsDeploymentsFront | undefined;
  let previous: string | undefined;
  beforeAll(async () => {
    previous = process.env.AWS_ENDPOINT_URL;
    if (!previous) throw new Error('AWS_ENDPOINT_URL is unset: not inside a moto test project');
    front = await EcsDeploymentsFront.start(previous);
    process.env.AWS_ENDPOINT_URL = front.url;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await front?.close();
    front = undefined;
  });
  return () => {
    if (!front) throw new Error('the ECS deployments front runs only inside this file’s tests');
    return front;
  };
};

/** ARNs of a service in the test file's account and Region, shaped as ECS forms them. */
export const ecsDeploymentArns = (cluster: string, service: string) => {
  const prefix = `arn:aws:ecs:${testRegion()}:${testAccount()}`;
  return {
    clusterArn: `${prefix}:cluster/${cluster}`,
    serviceArn: `${prefix}:service/${cluster}/${service}`,
    serviceRevisionArn: (id: string) => `${prefix}:service-revision/${cluster}/${service}/${id}`,
    serviceDeploymentArn: (id: string) => `${prefix}:service-deployment/${cluster}/${service}/${id}`,
  };
};
