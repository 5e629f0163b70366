/** What ECS (moto) says a service runs, and a change made by hand the way people make it in the console. */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { READ_ONLY_FIELDS } from '#core/task-definition.ts';

const ecs = new ECSClient({});

export const runningRevision = async (cluster: string, service: string): Promise<string> =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]
    ?.taskDefinition ?? '';

/** The image of a revision's first container (the app, in the seeded task definitions). */
export const imageOf = async (taskDefinition: string): Promise<string> =>
  (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition
    ?.containerDefinitions?.[0]?.image ?? '';

export const runningImage = async (cluster: string, service: string): Promise<string> =>
  imageOf(await runningRevision(cluster, service));

/** A new revision of what the service runs, changed; rolled out by hand too unless `rollOut: false`. */
export const registerVariant = async (
  cluster: string,
  service: string,
  change: (input: RegisterTaskDefinitionCommandInput) => void,
  options: { rollOut?: boolean } = {},
): Promise<string> => {
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: await runningRevision(cluster, service) }),
  );
  const input: Record<string, unknown> = { ...taskDefinition };
  for (const field of READ_ONLY_FIELDS) delete input[field];
  change(input as unknown as RegisterTaskDefinitionCommandInput);
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand(input as unknown as RegisterTaskDefinitionCommandInput),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn ?? '';
  if (options.rollOut !== false)
    await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: arn }));
  return arn;
};
