/**
 * The task-definition rewrite: a lossless copy of the current revision as a RegisterTaskDefinition input,
 * with only the targeted containers' images replaced by `<repository-uri>@<digest>`.
 */
import { withoutNulls } from './absent.ts';
import { resourceName } from './arn.ts';
import { TargetError } from './errors.ts';
import { isImageFrom, pinnedImage } from './image-ref.ts';

export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  [field: string]: unknown;
}

export interface TaskDefinition {
  taskDefinitionArn?: string;
  family?: string;
  revision?: number;
  containerDefinitions?: ContainerDefinition[];
  [field: string]: unknown;
}

export interface ResourceTag {
  key?: string;
  value?: string;
}

/** ECS's `[{key, value}]` tags as a plain record. */
export const tagMap = (tags: readonly ResourceTag[]): Record<string, string> =>
  Object.fromEntries(tags.map((tag) => [tag.key ?? '', tag.value ?? '']));

export interface RegisterInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  tags?: ResourceTag[];
  [field: string]: unknown;
}

/**
 * Every field of RegisterTaskDefinition's input except `tags` (which DescribeTaskDefinition returns beside
 * the task definition). adapters/ecs-fields.ts proves at compile time that this list and READ_ONLY_FIELDS
 * cover the SDK's types exactly, so an SDK upgrade that adds a field fails the build until it is handled.
 */
export const REGISTERABLE_FIELDS = [
  'family',
  'containerDefinitions',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

/** Fields DescribeTaskDefinition returns that AWS sets itself; they are never sent back. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

const registerable = new Set<string>(REGISTERABLE_FIELDS);
const readOnly = new Set<string>(READ_ONLY_FIELDS);

export interface ImageChange {
  repositoryUri: string;
  digest: string;
  /** Container names to update; default: every container whose image is from the repository. */
  containers?: readonly string[];
}

export interface Rewrite {
  input: RegisterInput;
  /** Containers whose image changed. Empty when every targeted container already runs the digest. */
  changedContainers: string[];
  targetedContainers: string[];
  /** Fields the current revision has that Deckhand does not know how to register (logged, not sent). */
  unknownFields: string[];
}

/** Tags under `aws:` are AWS's own and cannot be set through RegisterTaskDefinition. */
const userTags = (tags: readonly ResourceTag[]): ResourceTag[] =>
  tags.filter((tag) => !(tag.key ?? '').toLowerCase().startsWith('aws:')).map((tag) => ({ ...tag }));

export const targetedContainerNames = (
  containers: readonly ContainerDefinition[],
  change: Pick<ImageChange, 'repositoryUri' | 'containers'>,
): string[] => {
  const names = containers.map((container) => container.name ?? '');
  if (change.containers) {
    const missing = change.containers.filter((name) => !names.includes(name));
    if (missing.length > 0) {
      throw new TargetError(
        `container(s) ${missing.join(', ')} not in the task definition (has ${names.join(', ')})`,
      );
    }
    return [...change.containers];
  }
  const fromRepository = containers
    .filter((container) => isImageFrom(container.image ?? '', change.repositoryUri))
    .map((container) => container.name ?? '');
  if (fromRepository.length === 0) {
    throw new TargetError(`no container runs an image from ${change.repositoryUri}`);
  }
  return fromRepository;
};

export const rewriteTaskDefinition = (
  described: TaskDefinition,
  describedTags: readonly ResourceTag[],
  change: ImageChange,
): Rewrite => {
  // A null field is an absent one: it is not sent back to RegisterTaskDefinition.
  const current = withoutNulls(described);
  const tags = withoutNulls(describedTags);
  const containers = current.containerDefinitions ?? [];
  if (!current.family || containers.length === 0) {
    throw new TargetError(
      `task definition ${current.taskDefinitionArn ?? '(unknown)'} has no family or containers`,
    );
  }
  const targeted = targetedContainerNames(containers, change);
  const image = pinnedImage(change.repositoryUri, change.digest);
  const input: Record<string, unknown> = {};
  const unknownFields: string[] = [];
  for (const [field, value] of Object.entries(current)) {
    if (value === undefined || readOnly.has(field)) continue;
    if (registerable.has(field)) input[field] = structuredClone(value);
    else unknownFields.push(field);
  }
  const changedContainers: string[] = [];
  input.containerDefinitions = (input.containerDefinitions as ContainerDefinition[]).map((container) => {
    if (!targeted.includes(container.name ?? '') || container.image === image) return container;
    changedContainers.push(container.name ?? '');
    return { ...container, image };
  });
  const kept = userTags(tags);
  if (kept.length > 0) input.tags = kept;
  return {
    input: input as RegisterInput,
    changedContainers,
    targetedContainers: targeted,
    unknownFields: unknownFields.sort(),
  };
};

/** `family:revision` from an ARN or a `family:revision` string (moto answers the latter). */
export const familyRevision = resourceName;
