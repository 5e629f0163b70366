/**
 * Task-definition rules TD-001 … TD-028 of the guardrail catalogue (../shared/guardrail-rules.md). Each is a
 * pure function over the DescribeTaskDefinition API shape that checks every container and every volume. The
 * secret rules (TD-009, TD-010) and the hardening rules (TD-017 …) live beside this file.
 */
import { hardeningRules } from './hardening-rules.ts';
import { networkModeOf, perContainer, rule, taskLevel } from './rule-helpers.ts';
import { secretRules } from './secret-rules.ts';
import type { TaskDefinitionInput, TaskDefinitionRule, TaskDefinitionShape } from './types.ts';

const isWindows = (td: TaskDefinitionShape): boolean =>
  (td.runtimePlatform?.operatingSystemFamily ?? '').toUpperCase().startsWith('WINDOWS');

/**
 * `0`, `root`, `0:0`, `root:wheel`, `0:1000` are root; `1000`, `app:0` and `10` are not. Absent is root.
 * A template may give a number (`User: 0`): it is read as its text.
 */
export const isRootUser = (user: unknown): boolean => {
  const text = typeof user === 'number' ? String(user) : typeof user === 'string' ? user.trim() : '';
  if (text === '') return true;
  const name = text.split(':')[0]?.trim() ?? '';
  return name === '0' || name === 'root';
};

const userText = (user: unknown): string =>
  typeof user === 'number' ? String(user) : typeof user === 'string' ? user : '';

/** ECS (Docker 20.10+) reserves 6 MiB per container; a lower `memory` cannot run. */
const minimumContainerMemory = 6;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const coreRules: TaskDefinitionRule[] = [
  rule({
    id: 'TD-001',
    title: 'No privileged containers',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'Security Hub ECS.4; Config ecs-containers-nonprivileged; Checkov CKV_AWS_334 (buggy); Prowler',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].privileged', (c) =>
        c.privileged === true
          ? { ok: false, message: 'runs privileged' }
          : { ok: true, message: 'not privileged' },
      ),
  }),
  rule({
    id: 'TD-002',
    title: 'No host network mode',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.17; Config ecs-task-definition-network-mode-not-host',
    check: ({ taskDefinition }, { production }) => [
      {
        field: 'networkMode',
        ok: taskDefinition.networkMode !== 'host',
        message:
          taskDefinition.networkMode === 'host'
            ? 'uses the host network mode'
            : `network mode ${networkModeOf(taskDefinition)}`,
        ...(production ? { severity: 'high' as const } : {}),
      },
    ],
  }),
  rule({
    id: 'TD-003',
    title: 'Host network mode only with non-root users (legacy composite)',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.1 (retired); Config ecs-task-definition-user-for-host-mode-check; Prowler',
    check: ({ taskDefinition }) =>
      taskDefinition.networkMode !== 'host'
        ? taskLevel('networkMode', true, 'not in host network mode')
        : perContainer(taskDefinition, 'containerDefinitions[].user', (c) =>
            c.privileged !== true && isRootUser(c.user)
              ? { ok: false, message: `host network mode with user ${c.user ?? '(absent: root)'}` }
              : { ok: true, message: 'host network mode with a non-root or privileged user' },
          ),
  }),
  rule({
    id: 'TD-004',
    title: 'Linux containers do not run as root',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.20; Config ecs-task-definition-linux-user-non-root; CT.ECS.PR.3',
    check: ({ taskDefinition }) =>
      isWindows(taskDefinition)
        ? taskLevel('runtimePlatform.operatingSystemFamily', true, 'Windows task: see TD-005')
        : perContainer(taskDefinition, 'containerDefinitions[].user', (c) =>
            isRootUser(c.user)
              ? { ok: false, message: `runs as root (user ${c.user ?? 'absent'})` }
              : { ok: true, message: `runs as ${c.user}` },
          ),
  }),
  rule({
    id: 'TD-005',
    title: 'Windows containers do not run as ContainerAdministrator',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.21; Config ecs-task-definition-windows-user-non-admin',
    check: ({ taskDefinition }) =>
      !isWindows(taskDefinition)
        ? taskLevel('runtimePlatform.operatingSystemFamily', true, 'Linux task: see TD-004')
        : perContainer(taskDefinition, 'containerDefinitions[].user', (c) =>
            !userText(c.user).trim() || userText(c.user).trim().toLowerCase() === 'containeradministrator'
              ? { ok: false, message: `runs as ContainerAdministrator (user ${c.user ?? 'absent'})` }
              : { ok: true, message: `runs as ${c.user}` },
          ),
  }),
  rule({
    id: 'TD-006',
    title: 'Read-only root file system',
    severity: 'high',
    defaultMode: 'warn',
    anchors:
      'Security Hub ECS.5 (absent fails); Config ecs-containers-readonly-access; Checkov CKV_AWS_336; Prowler',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].readonlyRootFilesystem', (c) =>
        c.readonlyRootFilesystem === true
          ? { ok: true, message: 'root file system is read-only' }
          : {
              ok: false,
              message: `root file system is writable (readonlyRootFilesystem ${c.readonlyRootFilesystem ?? 'absent'})`,
            },
      ),
  }),
  rule({
    id: 'TD-007',
    title: 'No host PID namespace',
    severity: 'high',
    defaultMode: 'block',
    anchors:
      'Security Hub ECS.3; Config ecs-task-definition-pid-mode-check; Checkov CKV_AWS_335 (buggy: container level)',
    check: ({ taskDefinition }) =>
      taskLevel(
        'pidMode',
        taskDefinition.pidMode !== 'host',
        `pidMode ${taskDefinition.pidMode ?? 'absent'}`,
      ),
  }),
  rule({
    id: 'TD-008',
    title: 'No host IPC namespace',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'PSS baseline hostIPC',
    check: ({ taskDefinition }) =>
      taskLevel(
        'ipcMode',
        taskDefinition.ipcMode !== 'host',
        `ipcMode ${taskDefinition.ipcMode ?? 'absent'}`,
      ),
  }),
];

const operationalRules: TaskDefinitionRule[] = [
  rule({
    id: 'TD-011',
    title: 'Every container has logging configured',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'Security Hub ECS.9; Config ecs-task-definition-log-configuration; Prowler; cdk-nag ECS7',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].logConfiguration.logDriver', (c) =>
        c.logConfiguration?.logDriver
          ? { ok: true, message: `logs with ${c.logConfiguration.logDriver}` }
          : { ok: false, message: 'no log driver: its output is lost' },
      ),
  }),
  rule({
    id: 'TD-012',
    title: 'Non-blocking log delivery (absent: the ECS default, non-blocking)',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Prowler ecs_task_definitions_logging_block_mode',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].logConfiguration.options.mode', (c) => {
        if (!c.logConfiguration?.logDriver) return { ok: true, message: 'no log configuration (see TD-011)' };
        const mode = c.logConfiguration.options?.mode;
        // Since June 2025 ECS defaults to non-blocking (account setting defaultLogDriverMode): absent is fine.
        if (mode === undefined) return { ok: true, message: 'mode absent: ECS defaults to non-blocking' };
        return mode === 'non-blocking'
          ? { ok: true, message: 'non-blocking' }
          : { ok: false, message: `log mode ${mode}: a slow log sink stalls the app` };
      }),
  }),
  rule({
    id: 'TD-013',
    title: 'Containers have a usable memory hard limit (at least 6 MiB)',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Config ecs-task-definition-memory-hard-limit; CT.ECS.PR.7',
    check: ({ taskDefinition }) => {
      const fargateWithTaskMemory =
        (taskDefinition.requiresCompatibilities ?? []).includes('FARGATE') &&
        taskDefinition.memory !== undefined;
      return perContainer(taskDefinition, 'containerDefinitions[].memory', (c) => {
        if (c.memory === undefined)
          return fargateWithTaskMemory
            ? { ok: true, message: 'Fargate task-level memory limits the container' }
            : { ok: false, message: 'no memory hard limit' };
        // Templates may give the number as text; Docker reserves 6 MiB, so less is no usable limit.
        const mib = Number(c.memory);
        return Number.isFinite(mib) && mib >= minimumContainerMemory
          ? { ok: true, message: `memory ${mib} MiB` }
          : {
              ok: false,
              message: `memory ${String(c.memory)} MiB is below ECS's ${minimumContainerMemory} MiB floor: not a usable hard limit`,
            };
      });
    },
  }),
  rule({
    id: 'TD-014',
    title: 'awsvpc network mode',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Config ecs-awsvpc-networking-enabled; CT.ECS.PR.4',
    check: ({ taskDefinition }) =>
      taskLevel(
        'networkMode',
        networkModeOf(taskDefinition) === 'awsvpc',
        `network mode ${networkModeOf(taskDefinition)}`,
      ),
  }),
  rule({
    id: 'TD-015',
    title: 'EFS volumes encrypt in transit',
    severity: 'medium',
    defaultMode: 'warn',
    anchors:
      'Security Hub ECS.18; Config ecs-task-definition-efs-encryption-enabled; Checkov CKV_AWS_97 (first volume only)',
    check: ({ taskDefinition }) => {
      const efs = (taskDefinition.volumes ?? []).filter((v) => v.efsVolumeConfiguration);
      if (efs.length === 0) return taskLevel('volumes', true, 'no EFS volumes');
      return efs.map((volume) => ({
        field: `volumes[${volume.name ?? '?'}].efsVolumeConfiguration.transitEncryption`,
        ok: volume.efsVolumeConfiguration?.transitEncryption === 'ENABLED',
        message: `EFS volume ${volume.name ?? '?'}: transit encryption ${volume.efsVolumeConfiguration?.transitEncryption ?? 'absent'}`,
      }));
    },
  }),
  rule({
    id: 'TD-016',
    title: 'Execution role differs from task role',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Checkov CKV_AWS_249',
    check: ({ taskDefinition: { executionRoleArn, taskRoleArn } }) =>
      taskLevel(
        'executionRoleArn',
        !(executionRoleArn && taskRoleArn && same(executionRoleArn, taskRoleArn)),
        executionRoleArn && taskRoleArn && same(executionRoleArn, taskRoleArn)
          ? 'the task role is the execution role: the app gets the agent’s pull and secret rights'
          : 'separate roles',
      ),
  }),
];

export const taskDefinitionRules: TaskDefinitionRule[] = [
  ...coreRules,
  ...secretRules,
  ...operationalRules,
  ...hardeningRules,
];

export type { TaskDefinitionInput };
