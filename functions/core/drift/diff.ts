/**
 * Configuration drift: two task definitions compared field by field after normalisation: read-only fields
 * dropped, null treated as absent, containers matched by name, and environment, secrets and tags compared
 * as sets (their order is not meaning).
 */
import { withoutNulls } from '../absent.ts';
import { READ_ONLY_FIELDS, type TaskDefinition } from '../task-definition.ts';

const readOnly = new Set<string>(READ_ONLY_FIELDS);
const keyedLists: Record<string, string> = {
  containerDefinitions: 'name',
  environment: 'name',
  secrets: 'name',
  tags: 'key',
  volumes: 'name',
  mountPoints: 'containerPath',
  portMappings: 'containerPort',
  ulimits: 'name',
  systemControls: 'namespace',
};

type Normal = null | boolean | number | string | Normal[] | { [key: string]: Normal };

/** Null and empty become absent; keyed lists become maps by their key, so order does not count. */
export const normalise = (value: unknown, field = ''): Normal | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const key = keyedLists[field];
    if (key && value.every((item) => item && typeof item === 'object' && key in item)) {
      const entries = value.map(
        (item: Record<string, unknown>) => [String(item[key]), normalise(item)] as const,
      );
      const map = Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Record<string, Normal>;
      return Object.keys(map).length > 0 ? map : undefined;
    }
    const items = value.map((item) => normalise(item)).filter((item): item is Normal => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalise(v, k)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length > 0 ? (Object.fromEntries(entries) as Record<string, Normal>) : undefined;
  }
  return value as Normal;
};

const isObject = (value: unknown): value is Record<string, Normal> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const walk = (
  expected: Normal | undefined,
  actual: Normal | undefined,
  path: string,
  out: string[],
): void => {
  if (isObject(expected) && isObject(actual)) {
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
      walk(expected[key], actual[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push(path);
};

/**
 * Field paths where `actual` differs from `expected`, like `containerDefinitions.app.privileged`;
 * `ignore` lists paths to skip (the images Deckhand itself sets are reported as image drift instead).
 */
export const diffTaskDefinitions = (
  expected: TaskDefinition,
  actual: TaskDefinition,
  ignore: readonly string[] = [],
): string[] => {
  const strip = (td: TaskDefinition) =>
    Object.fromEntries(Object.entries(withoutNulls(td)).filter(([field]) => !readOnly.has(field)));
  const out: string[] = [];
  walk(normalise(strip(expected)), normalise(strip(actual)), '', out);
  return out.filter((path) => !ignore.includes(path));
};
