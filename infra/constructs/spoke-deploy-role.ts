import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DeckhandConfig } from '#core/config.ts';
import { remediationsOf } from './guardrail-audit.ts';
import { acknowledgeWildcards, arnAt, functionRolePath, iamRoleArn, type Place, placeOf } from './places.ts';
import { serviceArns } from './service-arns.ts';

export interface SpokeDeployRoleProps {
  config: DeckhandConfig;
  /** This spoke's account, and the role name its `accounts` entries give. */
  account: string;
  roleName: string;
  /** The hub's account: only its Deckhand function roles may assume this role. */
  hubAccount: string;
}

/**
 * The role the hub's functions assume in a spoke account (`accounts.<name>.roleName`, default
 * `deckhand-deploy`). IAM roles are global, so it covers every Region the config names for this account.
 * It trusts only the hub's Deckhand function roles (their IAM path), and may do exactly what those functions
 * do there: deploy the configured services (register a pinned revision, update the service), follow and
 * answer deployments, read alarms, read a registry's repository policies, and the guardrail remediations
 * the config asks for.
 */
export class SpokeDeployRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SpokeDeployRoleProps) {
    super(scope, id);
    const { config, account, roleName, hubAccount } = props;
    const stack = Stack.of(this);
    const keys = new Set(
      Object.entries(config.accounts)
        .filter(([, entry]) => entry.id === account && entry.roleName === roleName)
        .map(([key]) => key),
    );
    const places: Place[] = [...keys].map((key) => placeOf(this, config, key));
    const here = config.pipelines.map((p) => ({
      ...p,
      targets: p.targets.filter((t) => t.account !== undefined && keys.has(t.account)),
    }));

    this.role = new Role(this, 'Role', {
      roleName,
      description: 'Deckhand hub functions deploy and follow the configured ECS services here',
      assumedBy: new AccountPrincipal(hubAccount).withConditions({
        ArnLike: {
          'aws:PrincipalArn': `arn:${stack.partition}:iam::${hubAccount}:role${functionRolePath}*`,
        },
      }),
    });
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) => {
      if (resources.length > 0)
        this.role.addToPolicy(
          new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
        );
    };
    const each = (resource: string, resourceName: string, format?: ArnFormat) =>
      places.map((place) =>
        arnAt(this, place, resource === 'alarm' ? 'cloudwatch' : 'ecs', resource, resourceName, format),
      );

    const anyService = each('service', '*/*');
    const anyDeployment = each('service-deployment', '*');
    const anyRevision = each('service-revision', '*');
    const anyAlarm = each('alarm', '*', ArnFormat.COLON_RESOURCE_NAME);
    const taskDefinitions = each('task-definition', '*');
    const remediations = remediationsOf(config);
    // The guardrail audit and the admission hook read whichever service changed or asked; the pause-hook
    // answer (slack-actions, timers) continues whichever deployment waits.
    allow(
      ['ecs:DescribeServices', 'ecs:DescribeServiceDeployments', 'ecs:DescribeServiceRevisions'],
      [...anyService, ...anyDeployment, ...anyRevision],
    );
    allow(['ecs:ContinueServiceDeployment'], [...anyService, ...anyDeployment]);
    // Deploys, rollbacks and reconciles touch only the configured services, unless the config asks the
    // guardrail audit to roll back any service changed out of band.
    allow(['ecs:UpdateService'], remediations.has('rollback') ? anyService : serviceArns(this, config, here));
    // No resource-level permissions for these.
    allow(
      [
        'ecs:DescribeTaskDefinition',
        'ecs:RegisterTaskDefinition',
        ...(remediations.has('deregister') ? ['ecs:DeregisterTaskDefinition'] : []),
      ],
      ['*'],
    );
    allow(['ecs:TagResource'], taskDefinitions, {
      StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' },
    });
    const passRoles = config.iam.passRoles.map((name) => iamRoleArn(this, account, name));
    allow(['iam:PassRole'], passRoles, {
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
    allow(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], anyAlarm);
    const repositories = [
      ...new Set(
        config.pipelines.flatMap((p) =>
          p.repository && p.registry && keys.has(p.registry)
            ? [arnAt(this, placeOf(this, config, p.registry), 'ecr', 'repository', p.repository)]
            : [],
        ),
      ),
    ];
    allow(['ecr:GetRepositoryPolicy'], repositories);

    acknowledgeWildcards(
      this.role,
      ['*'],
      'ecs:DescribeTaskDefinition, RegisterTaskDefinition and DeregisterTaskDefinition have no resource-level permissions.',
    );
    acknowledgeWildcards(
      this.role,
      anyService,
      'The guardrail audit and the admission hook read whichever service changed or asked; a pause hook may wait on any service.',
    );
    acknowledgeWildcards(
      this.role,
      [...anyDeployment, ...anyRevision],
      'Reads and answers exactly the deployment (and its revisions) a hook or an approval names.',
    );
    acknowledgeWildcards(
      this.role,
      anyAlarm,
      'The alarms a deployment is judged by are named by the service or matched by tags, not known at synth.',
    );
    acknowledgeWildcards(
      this.role,
      taskDefinitions,
      'TagResource only at registration (ecs:CreateAction), to copy tags onto the new revision.',
    );
    acknowledgeWildcards(
      this.role,
      passRoles,
      'PassRole only to ecs-tasks, for the configured task and execution role names (iam.passRoles).',
    );
    new CfnOutput(stack, 'DeployRoleArn', {
      value: this.role.roleArn,
      description: 'The role the Deckhand hub assumes in this account',
    });
  }
}
