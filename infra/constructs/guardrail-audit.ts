import { ArnFormat, Fn, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routesFor } from '#core/events/routes.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { EventFunction } from './event-function.ts';
import { grantNotify } from './notifications.ts';
import { grantStateAccess } from './state-access.ts';

export interface GuardrailAuditProps {
  config: SynthConfig;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Deckhand's own deploying roles: their ECS calls were judged before they were made. */
  selfRoleArns: string[];
}

/**
 * ECS changes seen through CloudTrail (RegisterTaskDefinition, CreateService, UpdateService) → the
 * ecs-change function, which re-reads the object and judges it at the `runtime` point. Remediation rights
 * are granted only when the config asks for that remediation.
 */
export class GuardrailAudit extends Construct {
  readonly handler: EventFunction;

  constructor(scope: Construct, id: string, props: GuardrailAuditProps) {
    super(scope, id);
    const { config, table, deadLetterQueue, selfRoleArns } = props;
    this.handler = new EventFunction(this, 'EcsChange', {
      handlerName: 'ecs-change',
      deadLetterQueue,
      description: 'Deckhand: judge task definitions and services changed outside Deckhand',
      environment: {
        DECKHAND_TABLE: table.tableName,
        DECKHAND_CONFIG: bundledConfigName,
        DECKHAND_SELF_ROLES: Fn.join(',', selfRoleArns),
      },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
      routes: routesFor(config.config).filter((route) => route.handler === 'ecs-change'),
    });
    const fn = this.handler.function;
    const stack = Stack.of(this);
    const anyService = stack.formatArn({
      service: 'ecs',
      resource: 'service',
      resourceName: '*/*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    grantStateAccess(fn, table);
    grantNotify(fn, config);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [anyService] }));
    fn.addToRolePolicy(
      // DescribeTaskDefinition has no resource-level permissions.
      new PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }),
    );
    const remediations = new Set(
      [
        config.config.guardrails.rules,
        ...Object.values(config.config.guardrails.environments).map((e) => e.rules),
        ...config.config.pipelines.map((p) => p.guardrails ?? {}),
      ]
        .flatMap((rules) => Object.values(rules))
        .flatMap((setting) => (typeof setting === 'object' && setting.remediate ? [setting.remediate] : [])),
    );
    if (remediations.has('deregister')) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['ecs:DeregisterTaskDefinition'], resources: ['*'] }),
      );
    }
    if (remediations.has('rollback')) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['ecs:UpdateService'], resources: [anyService] }));
    }
    if (fn.role) {
      Validations.of(fn.role).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
          reason:
            'ecs:DescribeTaskDefinition and ecs:DeregisterTaskDefinition have no resource-level permissions.',
        },
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service/*/*]',
          reason: 'An out-of-band change may touch any service; the audit must be able to read it.',
        },
      );
    }
  }
}
