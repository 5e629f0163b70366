import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PipelineConfig } from '#core/config.ts';

const nameOf = (nameOrArn: string): string => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/** The ARNs of the ECS services these pipelines target, for IAM statements scoped to exactly them. */
export const serviceArns = (scope: IConstruct, pipelines: readonly PipelineConfig[]): string[] => {
  const stack = Stack.of(scope);
  return [...new Set(pipelines.flatMap((p) => p.targets.map((t) => `${nameOf(t.cluster)}/${t.service}`)))]
    .sort()
    .map((resourceName) =>
      stack.formatArn({
        service: 'ecs',
        resource: 'service',
        resourceName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
};
