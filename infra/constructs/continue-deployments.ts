import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

/**
 * `ecs:ContinueServiceDeployment` for the functions that answer a pause hook: slack-actions when an approval
 * is decided, timers when it expires. The Service Authorization Reference lists the service and the
 * service-deployment resource types for it.
 */
export const grantContinueDeployments = (fn: IFunction): void => {
  const stack = Stack.of(fn);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ecs:ContinueServiceDeployment'],
      resources: [arn('service', '*/*'), arn('service-deployment', '*')],
    }),
  );
  if (fn.role)
    Validations.of(fn.role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service/*/*]',
        reason: 'A pause hook may wait on any service of the account that attached it.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service-deployment/*]',
        reason: 'Continues or rolls back exactly the deployment a decided pause-hook approval names.',
      },
    );
};
