/** Seeds moto with realistic ECR and ECS resources, for the integration tests and the demo. */
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateRepositoryCommand,
  ECRClient,
  PutImageCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  type CreateServiceCommandInput,
  ECSClient,
  type ECSClientConfig,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';

export interface Network {
  subnets: string[];
  securityGroups: string[];
}

export const ecrUri = (account: string, region: string, repository: string): string =>
  `${account}.dkr.ecr.${region}.amazonaws.com/${repository}`;

export const randomDigest = (): string => `sha256:${randomBytes(32).toString('hex')}`;

/** Where a seeder works: by default the credentials' own account and Region; else another's (hub and spoke). */
export interface SeedPlace {
  region?: string;
  credentials?: ECSClientConfig['credentials'];
}

export class Seeder {
  readonly ecs: ECSClient;
  readonly ecr: ECRClient;
  readonly ec2: EC2Client;
  private network?: Promise<Network>;
  private readonly place: SeedPlace;

  constructor(place: SeedPlace = {}) {
    this.place = place;
    this.ecs = new ECSClient(place);
    this.ecr = new ECRClient(place);
    this.ec2 = new EC2Client(place);
  }

  /** One VPC, subnet and security group for awsvpc services (moto checks that they exist). */
  vpc(): Promise<Network> {
    this.network ??= (async () => {
      const { Vpc } = await this.ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
      const vpcId = Vpc?.VpcId ?? '';
      const { Subnet } = await this.ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }),
      );
      const { GroupId } = await this.ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'services', Description: 'ECS services' }),
      );
      return { subnets: [Subnet?.SubnetId ?? ''], securityGroups: [GroupId ?? ''] };
    })();
    return this.network;
  }

  async repository(name: string): Promise<void> {
    await this.ecr.send(
      new CreateRepositoryCommand({ repositoryName: name, imageScanningConfiguration: { scanOnPush: true } }),
    );
  }

  /** Lets these accounts pull from a repository (its policy, as a cross-account deploy needs). */
  async allowPull(repository: string, accounts: readonly string[]): Promise<void> {
    await this.ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: repository,
        policyText: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'pull',
              Effect: 'Allow',
              Principal: { AWS: accounts.map((id) => `arn:aws:iam::${id}:root`) },
              Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            },
          ],
        }),
      }),
    );
  }

  /** Pushes an image; the digest is passed explicitly because moto would otherwise invent one. */
  async pushImage(repository: string, tag: string): Promise<string> {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: 1469,
        digest: randomDigest(),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: 2_811_969,
          digest: randomDigest(),
        },
      ],
    });
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    await this.ecr.send(
      new PutImageCommand({
        repositoryName: repository,
        imageManifest: manifest,
        imageTag: tag,
        imageDigest: digest,
      }),
    );
    return digest;
  }

  /** A 5xx alarm on a load balancer's targets (moto does not evaluate it: tests set its state). */
  async alarm(name: string, tags: Record<string, string> = {}): Promise<string> {
    const cloudwatch = new CloudWatchClient(this.place);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    return MetricAlarms[0]?.AlarmArn ?? '';
  }

  async cluster(name: string): Promise<string> {
    const { cluster } = await this.ecs.send(new CreateClusterCommand({ clusterName: name }));
    return cluster?.clusterArn ?? '';
  }

  async taskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string> {
    const { taskDefinition } = await this.ecs.send(new RegisterTaskDefinitionCommand(input));
    return taskDefinition?.taskDefinitionArn ?? '';
  }

  async service(input: CreateServiceCommandInput): Promise<void> {
    await this.ecs.send(new CreateServiceCommand(input));
  }
}

/** A Fargate task definition that sets most of what the API allows: app plus a FireLens log-router sidecar. */
export const webTaskDefinition = (
  family: string,
  appImage: string,
  account: string,
): RegisterTaskDefinitionCommandInput => ({
  family,
  taskRoleArn: `arn:aws:iam::${account}:role/${family}-task`,
  executionRoleArn: `arn:aws:iam::${account}:role/${family}-execution`,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
  ephemeralStorage: { sizeInGiB: 30 },
  volumes: [{ name: 'tmp' }],
  containerDefinitions: [
    {
      name: 'app',
      image: appImage,
      essential: true,
      memory: 768,
      cpu: 384,
      portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
      environment: [
        { name: 'PORT', value: '8080' },
        { name: 'LOG_LEVEL', value: 'info' },
      ],
      secrets: [
        { name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:eu-west-1:${account}:secret:db-AbCdEf` },
      ],
      readonlyRootFilesystem: true,
      user: '1000:1000',
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      healthCheck: {
        command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'],
        interval: 30,
        retries: 3,
      },
      ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
      dockerLabels: { team: 'payments' },
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
      logConfiguration: {
        logDriver: 'awsfirelens',
        options: { Name: 'cloudwatch_logs', region: 'eu-west-1' },
      },
      dependsOn: [{ containerName: 'log-router', condition: 'START' }],
      stopTimeout: 30,
    },
    {
      name: 'log-router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4',
      essential: true,
      memoryReservation: 64,
      firelensConfiguration: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true' } },
      user: '0',
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': `/ecs/${family}`,
          'awslogs-region': 'eu-west-1',
          'awslogs-stream-prefix': 'firelens',
        },
      },
    },
  ],
  tags: [
    { key: 'deckhand:team', value: 'payments' },
    { key: 'cost-center', value: 'cc-1234' },
  ],
});

export const fargateService = (
  cluster: string,
  name: string,
  taskDefinition: string,
  network: Network,
): CreateServiceCommandInput => ({
  cluster,
  serviceName: name,
  taskDefinition,
  desiredCount: 2,
  launchType: 'FARGATE',
  networkConfiguration: {
    awsvpcConfiguration: { ...network, assignPublicIp: 'DISABLED' },
  },
  tags: [{ key: 'deckhand:team', value: 'payments' }],
});
