/**
 * Secret values for TD-010: secretlint's recommended preset (AWS, GCP, GitHub, Slack, private keys,
 * connection strings, and more) plus the JWT and high-entropy rules it lacks (secret-values.ts), in one pass
 * over each container's environment (`NAME=value`), command, entryPoint and docker labels. A hit names the
 * container, the field (for the environment, the variable) and the kind of secret; it never carries the value.
 */
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { ContainerDefinition } from '../task-definition.ts';
import { classifyValue, isAllowedName } from './secret-names.ts';
import { highEntropyRule, jwtRule } from './secret-values.ts';
import type { SecretHit, TaskDefinitionShape } from './types.ts';

// secretlint profiles every lint by default: performance marks per rule per scan, kept for the life of the
// process. That cost `deckhand check` more than its rules did, and grew without bound in a warm Lambda.
secretLintProfiler.setEnabled(false);

interface Line {
  container: string;
  field: string;
  text: string;
}

export interface SecretScanOptions {
  /** `guardrails.allowedEnvNames`: environment variables known to hold no secret. */
  allowedEnvNames?: readonly string[];
}

const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

const linesOf =
  (allowed: readonly string[]) =>
  (container: ContainerDefinition, index: number): Line[] => {
    const name = container.name ?? `#${index}`;
    const environment = Array.isArray(container.environment)
      ? (container.environment as { name?: unknown; value?: unknown }[])
      : [];
    const labels =
      container.dockerLabels && typeof container.dockerLabels === 'object'
        ? (container.dockerLabels as Record<string, unknown>)
        : {};
    return [
      ...environment
        .filter((e) => typeof e === 'object')
        .map((e) => ({ name: textOf(e.name), value: e.value }))
        // Exempt names, and values that point elsewhere or hold nothing, are not scanned.
        .filter((e) => !isAllowedName(e.name, allowed) && classifyValue(e.value) === 'literal')
        .map((e) => ({
          container: name,
          field: `environment[${e.name || '?'}]`,
          text: `${e.name}=${textOf(e.value)}`,
        })),
      ...stringsOf(container.command).map((text, i) => ({ container: name, field: `command[${i}]`, text })),
      ...stringsOf(container.entryPoint).map((text, i) => ({
        container: name,
        field: `entryPoint[${i}]`,
        text,
      })),
      ...Object.entries(labels).map(([key, value]) => ({
        container: name,
        field: `dockerLabels[${key}]`,
        text: `${key}=${textOf(value)}`,
      })),
    ];
  };

const config = {
  rules: [
    { id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended },
    { id: jwtRule.meta.id, rule: jwtRule },
    { id: highEntropyRule.meta.id, rule: highEntropyRule },
  ],
};

export const scanForSecrets = async (
  taskDefinition: TaskDefinitionShape,
  options: SecretScanOptions = {},
): Promise<SecretHit[]> => {
  const containers = Array.isArray(taskDefinition.containerDefinitions)
    ? taskDefinition.containerDefinitions
    : [];
  const lines = containers.flatMap(linesOf(options.allowedEnvNames ?? []));
  if (lines.length === 0) return [];
  // One pass over all lines; a hit's offset maps back to its line.
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.text.length + 1;
  }
  const result = await lintSource({
    source: {
      filePath: 'task-definition.env',
      content: lines.map((l) => l.text).join('\n'),
      contentType: 'text',
    },
    options: { config, maskSecrets: true },
  });
  const hits = new Map<string, SecretHit>();
  for (const message of result.messages) {
    const start = message.range[0];
    let index = starts.length - 1;
    while (index > 0 && (starts[index] ?? 0) > start) index -= 1;
    const line = lines[index];
    if (!line) continue;
    const kind = message.messageId;
    hits.set(`${line.container}|${line.field}|${kind}`, {
      container: line.container,
      field: line.field,
      kind,
    });
  }
  return [...hits.values()];
};
