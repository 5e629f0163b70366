/** What the task-definition rules share: the container shape they read and how they report per container. */
import type { ContainerDefinition } from '../task-definition.ts';
import type { Check, TaskDefinitionRule, TaskDefinitionShape } from './types.ts';

export type Container = ContainerDefinition & {
  privileged?: boolean;
  user?: string;
  readonlyRootFilesystem?: boolean;
  memory?: number;
  memoryReservation?: number;
  environment?: { name?: string; value?: string }[];
  secrets?: { name?: string; valueFrom?: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
  portMappings?: { containerPort?: number; hostPort?: number }[];
  linuxParameters?: {
    capabilities?: { add?: string[]; drop?: string[] };
    devices?: { hostPath?: string }[];
  };
  systemControls?: { namespace?: string; value?: string }[];
  dockerSecurityOptions?: string[];
  healthCheck?: { command?: string[] };
};

export const containersOf = (td: TaskDefinitionShape): Container[] => td.containerDefinitions ?? [];
export const nameOf = (container: Container, index: number): string => container.name ?? `#${index}`;

/** One check per container, so every container is reported, never just the first. */
export const perContainer = (
  td: TaskDefinitionShape,
  field: string,
  judge: (container: Container) => { ok: boolean; message: string; severity?: Check['severity'] },
): Check[] =>
  containersOf(td).map((container, index) => ({
    container: nameOf(container, index),
    field,
    ...judge(container),
  }));

export const taskLevel = (field: string, ok: boolean, message: string): Check[] => [{ field, ok, message }];

export const networkModeOf = (td: TaskDefinitionShape): string => td.networkMode ?? 'bridge';

export const rule = (definition: Omit<TaskDefinitionRule, 'subject'>): TaskDefinitionRule => ({
  subject: 'task-definition',
  ...definition,
});
