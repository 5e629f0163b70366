/**
 * What `deckhand check` accepts, turned into the API shape the rules read: `describe-task-definition`
 * output, a bare task definition or RegisterTaskDefinition input, `describe-services` output, or a
 * CloudFormation template (PascalCase properties, intrinsic functions rendered best-effort).
 */
import { withoutNulls } from '../absent.ts';
import type { ServiceShape, Tag, TaskDefinitionShape } from './types.ts';

export type CheckSubject =
  | { kind: 'task-definition'; resource: string; taskDefinition: TaskDefinitionShape; tags: Tag[] }
  | { kind: 'service'; resource: string; service: ServiceShape; cluster?: string };

export class UnrecognisedInputError extends Error {
  override name = 'UnrecognisedInputError';
}

/** Keys whose values are user maps: their keys are data, never renamed. */
const verbatimMaps = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels', 'Parameters']);
const renamed: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
};

const pseudo: Record<string, string> = {
  'AWS::AccountId': '000000000000',
  'AWS::Region': 'region',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'stack',
};

/** Marks a value CloudFormation removes (`Ref: AWS::NoValue`); its key is dropped. */
const noValue = Symbol('AWS::NoValue');

/**
 * Renders intrinsics to what can be known without deploying: pseudo parameters to placeholders, `Ref` and
 * `Fn::GetAtt` of template resources and parameters to `${Name}` / `${Resource.Attribute}` (the notation of
 * `Fn::Sub`, so a secret-named variable fed from a parameter reads as a reference, not a literal),
 * `Fn::Sub`, `Fn::Join`, `Fn::Select` over known lists and `Fn::FindInMap` over the template's Mappings.
 * Conditions (`Fn::If`) resolve only when both branches agree; other intrinsics stay as they are.
 */
const renderWith = (mappings: Record<string, unknown>) => {
  const render = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(render).filter((item) => item !== noValue);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, raw] = entries[0] as [string, unknown];
      const arg = key === 'Fn::Sub' ? raw : render(raw);
      if (key === 'Ref' && typeof arg === 'string') {
        if (arg === 'AWS::NoValue') return noValue;
        return pseudo[arg] ?? `\${${arg}}`;
      }
      if (key === 'Fn::GetAtt') return `\${${Array.isArray(arg) ? arg.join('.') : String(arg)}}`;
      if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
        const parts = arg[1] as unknown[];
        if (parts.every((p) => typeof p === 'string')) return parts.join(arg[0]);
      }
      if (key === 'Fn::Select' && Array.isArray(arg) && Array.isArray(arg[1])) {
        const chosen: unknown = (arg[1] as unknown[])[Number(arg[0])];
        if (chosen !== undefined) return chosen;
      }
      if (key === 'Fn::FindInMap' && Array.isArray(arg) && arg.every((a) => typeof a === 'string')) {
        const [map, top, second] = arg;
        const found = record(record(mappings[map ?? ''])?.[top ?? ''])?.[second ?? ''];
        if (found !== undefined) return render(found);
      }
      if (key === 'Fn::If' && Array.isArray(arg) && arg.length === 3 && same(arg[1], arg[2])) return arg[1];
      if (key === 'Fn::Sub') return renderSub(raw, render);
      return { [key]: arg };
    }
    return Object.fromEntries(
      entries.map(([key, inner]) => [key, render(inner)] as const).filter(([, inner]) => inner !== noValue),
    );
  };
  return render;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `Fn::Sub`: pseudo parameters and given variables filled in, other names kept as `${Name}`. */
const renderSub = (raw: unknown, render: (value: unknown) => unknown): unknown => {
  const [template, variables] = Array.isArray(raw) ? (raw as unknown[]) : [raw, {}];
  if (typeof template !== 'string') return { 'Fn::Sub': raw };
  const given = record(render(variables)) ?? {};
  return template.replace(/\$\{(!?)([^}]+)\}/g, (match, escaped: string, name: string) => {
    if (escaped) return `\${${name}}`;
    const value = given[name] ?? pseudo[name];
    return typeof value === 'string' ? value : match;
  });
};

const camel = (key: string): string => renamed[key] ?? key.charAt(0).toLowerCase() + key.slice(1);

/** An intrinsic the renderer left alone keeps its CloudFormation spelling. */
const isIntrinsic = (value: object): boolean => {
  const keys = Object.keys(value);
  return keys.length === 1 && /^(Ref|Condition|Fn::\w+)$/.test(keys[0] ?? '');
};

const camelize = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(camelize);
  if (!value || typeof value !== 'object' || isIntrinsic(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      camel(key),
      verbatimMaps.has(key) ? inner : camelize(inner),
    ]),
  );
};

const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const tagsOf = (value: unknown): Tag[] => (Array.isArray(value) ? (value as Tag[]) : []);

/** The rules read lists and objects: a task definition whose lists are not lists is bad input, not a crash. */
const checkShape = (td: TaskDefinitionShape, resource: string): TaskDefinitionShape => {
  for (const field of ['containerDefinitions', 'volumes', 'requiresCompatibilities'] as const) {
    const value = td[field];
    if (value !== undefined && !Array.isArray(value))
      throw new UnrecognisedInputError(`${resource}: ${field} must be a list`);
  }
  (td.containerDefinitions ?? []).forEach((container, index) => {
    if (!container || typeof container !== 'object' || Array.isArray(container))
      throw new UnrecognisedInputError(`${resource}: containerDefinitions[${index}] must be an object`);
  });
  return td;
};

export const subjectsOf = (input: unknown): CheckSubject[] => {
  const root = record(withoutNulls(input));
  if (!root) throw new UnrecognisedInputError('expected a JSON object');
  const resources = record(root.Resources);
  if (resources) {
    const render = renderWith(record(root.Mappings) ?? {});
    const subjects: CheckSubject[] = [];
    for (const [logicalId, resource] of Object.entries(resources)) {
      const { Type: type, Properties: properties } = record(resource) ?? {};
      if (type === 'AWS::ECS::TaskDefinition') {
        const shape = camelize(render(properties ?? {})) as TaskDefinitionShape & { tags?: Tag[] };
        const { tags, ...taskDefinition } = shape;
        subjects.push({
          kind: 'task-definition',
          resource: logicalId,
          taskDefinition: checkShape(taskDefinition, logicalId),
          tags: tagsOf(tags),
        });
      } else if (type === 'AWS::ECS::Service') {
        const service = camelize(render(properties ?? {})) as ServiceShape & { cluster?: unknown };
        subjects.push({
          kind: 'service',
          resource: logicalId,
          service,
          ...(typeof service.cluster === 'string' ? { cluster: service.cluster } : {}),
        });
      }
    }
    return subjects;
  }
  const described = record(root.taskDefinition);
  if (described) {
    const taskDefinition = checkShape(described, 'taskDefinition');
    return [
      {
        kind: 'task-definition',
        resource: resourceName(taskDefinition),
        taskDefinition,
        tags: tagsOf(root.tags),
      },
    ];
  }
  if (Array.isArray(root.services)) {
    return (root.services as ServiceShape[]).map((service) => ({
      kind: 'service',
      resource: service.serviceName ?? service.serviceArn ?? 'service',
      service,
      ...(service.clusterArn ? { cluster: service.clusterArn } : {}),
    }));
  }
  if (Array.isArray(root.containerDefinitions)) {
    const { tags, ...taskDefinition } = root as TaskDefinitionShape & { tags?: Tag[] };
    checkShape(taskDefinition, 'task definition');
    return [
      { kind: 'task-definition', resource: resourceName(taskDefinition), taskDefinition, tags: tagsOf(tags) },
    ];
  }
  throw new UnrecognisedInputError(
    'not a task definition, describe-task-definition or describe-services output, or CloudFormation template',
  );
};

const resourceName = (td: TaskDefinitionShape): string =>
  td.taskDefinitionArn ??
  (td.family ? `${td.family}${typeof td.revision === 'number' ? `:${td.revision}` : ''}` : 'task-definition');
