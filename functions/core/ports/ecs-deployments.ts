/**
 * The ECS service-deployment APIs a deployment lifecycle hook needs (DescribeServiceRevisions,
 * DescribeServiceDeployments, ContinueServiceDeployment). moto lacks them; tests answer exactly these in
 * front of moto with AWS's documented shapes (scripts/lib/ecs-deployments-front.ts).
 */
import type { Site } from '../sites.ts';

export interface ServiceRevisionSnapshot {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  /** The task definition ARN this revision runs. */
  taskDefinition: string;
  /** What ECS resolved each container's image to. */
  containerImages: { containerName: string; imageDigest?: string; image?: string }[];
}

export interface ServiceDeploymentSnapshot {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  /** ECS's deployment status (PENDING, IN_PROGRESS, ROLLBACK_IN_PROGRESS, …); kept open, as ECS adds states. */
  status: string;
  targetServiceRevisionArn?: string;
  sourceServiceRevisionArns: string[];
  lifecycleStage?: string;
}

export interface EcsDeploymentsPort {
  /** Undefined when ECS reports the ARN among its failures (not found). */
  describeServiceRevision(
    serviceRevisionArn: string,
    site: Site | undefined,
  ): Promise<ServiceRevisionSnapshot | undefined>;
  describeServiceDeployment(
    serviceDeploymentArn: string,
    site: Site | undefined,
  ): Promise<ServiceDeploymentSnapshot | undefined>;
  /** Resumes (CONTINUE) or rolls back (ROLLBACK) a deployment paused at a pause hook. */
  continueServiceDeployment(
    serviceDeploymentArn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK',
    site: Site | undefined,
  ): Promise<void>;
}
