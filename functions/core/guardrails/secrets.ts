/**
 * Secret detection for TD-010 with secretlint's recommended preset (AWS, Slack, GitHub, private keys, and
 * more), over each container's environment (`NAME=value`), command, entryPoint and docker labels. A hit
 * names the container, the field and the kind of secret; it never carries the value.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { ContainerDefinition } from '../task-definition.ts';
import type { SecretHit, TaskDefinitionShape } from './types.ts';

interface Line {
  container: string;
  field: string;
  text: string;
}

const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const linesOf = (container: ContainerDefinition, index: number): Line[] => {
  const name = container.name ?? `#${index}`;
  const environment = (container.environment ?? []) as { name?: string; value?: string }[];
  const labels = (container.dockerLabels ?? {}) as Record<string, unknown>;
  return [
    ...environment.map((e) => ({
      container: name,
      field: `environment[${e.name ?? '?'}]`,
      text: `${e.name ?? ''}=${e.value ?? ''}`,
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
      text: `${key}=${String(value)}`,
    })),
  ];
};

const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };

export const scanForSecrets = async (taskDefinition: TaskDefinitionShape): Promise<SecretHit[]> => {
  const lines = (taskDefinition.containerDefinitions ?? []).flatMap(linesOf);
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
