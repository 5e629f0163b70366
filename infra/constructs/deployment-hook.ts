import { ArnFormat, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { EventFunction } from './event-function.ts';
import { acknowledgeWildcards, allPlaces, arnAt, grantAssumeSpokeRoles } from './places.ts';
import { grantStateAccess } from './state-access.ts';

export interface DeploymentHookProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Hub and spoke: the hub bus, where the same rules listen for the spokes' events. */
  hubBus?: IEventBus | undefined;
}

/**
 * Admission for ECS deployments: the deployment-hook function, which ECS invokes directly (with the invoke
 * role below) as a lifecycle hook of blue/green, linear and canary deployments and which answers
 * `{hookStatus, callBackDelay?}`; and which receives, through an EventBridge rule, "ECS Hook State Change"
 * HOOK_AWAITING_ACTION for pause hooks (asking for approval; slack-actions and timers answer them with
 * ContinueServiceDeployment).
 *
 * Any service may attach the hook (its own stack names the exported ARNs), so the ECS reads are on any
 * service of the account and Region. It never changes what a service runs: no UpdateService, no
 * RegisterTaskDefinition, and no ContinueServiceDeployment: it never answers a pause hook itself.
 */
export class DeploymentHook extends Construct {
  readonly handler: EventFunction;
  /** The role ECS assumes to invoke the hook: it may invoke exactly that function and nothing else. */
  readonly invokeRole: Role;

  constructor(scope: Construct, id: string, props: DeploymentHookProps) {
    super(scope, id);
    const { config, table, deadLetterQueue, hubBus } = props;
    const stack = Stack.of(this);
    this.handler = new EventFunction(this, 'DeploymentHook', {
      handlerName: 'deployment-hook',
      deadLetterQueue,
      hubBus,
      description: 'Deckhand: admission for ECS deployments at their lifecycle hooks and pause hooks',
      // ECS waits for the hook's answer; IN_PROGRESS with a callBackDelay covers anything longer.
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routesFor(config.config).filter((route) => route.handler === 'deployment-hook'),
    });
    const fn = this.handler.function;

    // A pause hook may wait in any account and Region Deckhand acts in.
    const places = allPlaces(fn, config.config);
    const ecsArns = (resource: string, resourceName: string) =>
      places.map((place) => arnAt(fn, place, 'ecs', resource, resourceName));
    const anyService = ecsArns('service', '*/*');
    const anyDeployment = ecsArns('service-deployment', '*');
    const anyRevision = ecsArns('service-revision', '*');
    const anyAlarm = places.map((place) =>
      arnAt(fn, place, 'cloudwatch', 'alarm', '*', ArnFormat.COLON_RESOURCE_NAME),
    );

    grantStateAccess(fn, table, { query: true });
    grantAssumeSpokeRoles(fn, config.config, Object.keys(config.config.accounts));
    // The Service Authorization Reference lists the service resource type next to the revision and the
    // deployment for these actions, as the ECS guide's least-privilege example grants them together.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ecs:DescribeServices', 'ecs:DescribeServiceDeployments', 'ecs:DescribeServiceRevisions'],
        resources: [...anyService, ...anyDeployment, ...anyRevision],
      }),
    );
    // DescribeTaskDefinition has no resource-level permissions.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: anyAlarm }));

    this.invokeRole = new Role(this, 'InvokeRole', {
      description: 'ECS invokes the Deckhand deployment-hook function as a deployment lifecycle hook',
      assumedBy: new ServicePrincipal('ecs.amazonaws.com', {
        // Only ECS acting for this account's services (confused deputy).
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // Exactly the unqualified function: not grantInvoke, which adds `<arn>:*` (every version and alias).
    this.invokeRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );

    // On the stack itself, so the outputs are named exactly so; exported for the stacks that attach the hook.
    new CfnOutput(stack, 'DeploymentHookFunctionArn', {
      value: fn.functionArn,
      description: 'HookTargetArn for ECS deployment lifecycle hooks (Deckhand admission)',
      exportName: `${stack.stackName}-DeploymentHookFunctionArn`,
    });
    new CfnOutput(stack, 'DeploymentHookRoleArn', {
      value: this.invokeRole.roleArn,
      description: 'RoleArn for ECS deployment lifecycle hooks: may invoke only the deployment-hook function',
      exportName: `${stack.stackName}-DeploymentHookRoleArn`,
    });

    if (fn.role) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'ecs:DescribeTaskDefinition has no resource-level permissions.',
      });
    }
    acknowledgeWildcards(
      fn.role,
      anyService,
      'Any service of the account may attach the hook; it reads the service it admits.',
    );
    acknowledgeWildcards(fn.role, anyDeployment, 'The hook reads the deployment ECS asks it about.');
    acknowledgeWildcards(
      fn.role,
      anyRevision,
      'The hook reads the service revision a deployment is rolling out, whichever service it is.',
    );
    acknowledgeWildcards(
      fn.role,
      anyAlarm,
      'The alarms a deployment is judged by are named by the service, not known at synth.',
    );
  }
}
