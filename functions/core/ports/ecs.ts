/** What the use cases need of ECS. The adapter keeps inside ECS's throttles and maps errors to core's classes. */
import type { ServiceShape } from '../guardrails/types.ts';
import type { Site } from '../sites.ts';
import type { RegisterInput, ResourceTag, TaskDefinition } from '../task-definition.ts';

export interface DeploymentSnapshot {
  id: string;
  status: string;
  taskDefinition: string;
  rolloutState?: string;
  createdAt?: Date;
}

export interface ServiceSnapshot {
  clusterArn: string;
  serviceName: string;
  serviceArn: string;
  status: string;
  /** An ARN in AWS; moto may answer `family:revision`. */
  taskDefinition: string;
  desiredCount: number;
  tags: ResourceTag[];
  deployments: DeploymentSnapshot[];
  /** The fields the service guardrails read (SVC-001 … SVC-006). */
  shape: ServiceShape;
}

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: ResourceTag[];
}

/** Every call names its site: `undefined` is the hub's own account and Region, a `Site` a spoke's. */
export interface EcsPort {
  /** Services by name; a missing or INACTIVE service is absent from the map. */
  describeServices(
    cluster: string,
    services: readonly string[],
    site: Site | undefined,
  ): Promise<Map<string, ServiceSnapshot>>;
  describeTaskDefinition(taskDefinition: string, site: Site | undefined): Promise<DescribedTaskDefinition>;
  registerTaskDefinition(
    input: RegisterInput,
    site: Site | undefined,
  ): Promise<{ taskDefinitionArn: string }>;
  /** Only the roll operation (core/rollouts/roll-service.ts) calls this. */
  updateService(
    cluster: string,
    service: string,
    taskDefinition: string,
    site: Site | undefined,
  ): Promise<{ deploymentId?: string }>;
  deregisterTaskDefinition(taskDefinition: string, site: Site | undefined): Promise<void>;
}
