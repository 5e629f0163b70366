/**
 * Task-definition rules TD-001 … TD-028 of the guardrail catalogue (../shared/guardrail-rules.md). Each is a
 * pure function over the DescribeTaskDefinition API shape that checks every container and every volume.
 */
import type { ContainerDefinition } from '../task-definition.ts';
import { parseImageName, registryAllowed } from './image-name.ts';
import type { Check, TaskDefinitionInput, TaskDefinitionRule, TaskDefinitionShape } from './types.ts';
import { missingTagKeys } from './types.ts';

type Container = ContainerDefinition & {
  privileged?: boolean;
  user?: string;
  readonlyRootFilesystem?: boolean;
  memory?: number;
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

const containersOf = (td: TaskDefinitionShape): Container[] => td.containerDefinitions ?? [];
const nameOf = (container: Container, index: number): string => container.name ?? `#${index}`;

/** One check per container, so every container is reported, never just the first. */
const perContainer = (
  td: TaskDefinitionShape,
  field: string,
  judge: (container: Container) => { ok: boolean; message: string; severity?: Check['severity'] },
): Check[] =>
  containersOf(td).map((container, index) => ({
    container: nameOf(container, index),
    field,
    ...judge(container),
  }));

const taskLevel = (field: string, ok: boolean, message: string): Check[] => [{ field, ok, message }];

const isWindows = (td: TaskDefinitionShape): boolean =>
  (td.runtimePlatform?.operatingSystemFamily ?? '').toUpperCase().startsWith('WINDOWS');

const networkModeOf = (td: TaskDefinitionShape): string => td.networkMode ?? 'bridge';

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

const defaultSecretEnvNames = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA'];

const dangerousHostPaths = ['/var/run/docker.sock', '/run/docker.sock', '/proc', '/sys', '/etc', '/root'];

/** The Kubernetes Pod Security Standards' safe sysctls. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const accountOfArn = (arn: string | undefined): string | undefined =>
  /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const rule = (definition: Omit<TaskDefinitionRule, 'subject'>): TaskDefinitionRule => ({
  subject: 'task-definition',
  ...definition,
});

export const taskDefinitionRules: TaskDefinitionRule[] = [
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
  rule({
    id: 'TD-009',
    title: 'No secret key names in environment variables',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'Security Hub ECS.8; Config ecs-no-environment-secrets; CT.ECS.PR.12',
    check: ({ taskDefinition }, { settings }) => {
      const names = new Set(
        [...defaultSecretEnvNames, ...settings.secretEnvNames].map((n) => n.toUpperCase()),
      );
      return perContainer(taskDefinition, 'containerDefinitions[].environment[].name', (c) => {
        const found = (c.environment ?? [])
          .map((e) => e.name ?? '')
          .filter((n) => names.has(n.toUpperCase()));
        return found.length > 0
          ? {
              ok: false,
              message: `secret-named variable(s) ${found.join(', ')} in plain environment; use secrets`,
            }
          : { ok: true, message: 'no secret-named variables' };
      });
    },
  }),
  rule({
    id: 'TD-010',
    title: 'No secret values in environment, command, entryPoint or docker labels',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'Prowler ecs_task_definitions_no_environment_secrets; cdk-nag ECS2; Trivy AVD-AWS-0036',
    check: ({ taskDefinition, secrets }) =>
      containersOf(taskDefinition).map((c, index) => {
        const container = nameOf(c, index);
        const hits = secrets.filter((hit) => hit.container === container);
        return hits.length > 0
          ? {
              container,
              field: hits[0]?.field ?? 'containerDefinitions[].environment',
              ok: false,
              message: `secret value(s) found: ${hits.map((h) => `${h.kind} in ${h.field}`).join('; ')}`,
            }
          : {
              container,
              field: 'containerDefinitions[].environment',
              ok: true,
              message: 'no secret values found',
            };
      }),
  }),
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
    title: 'Non-blocking log delivery',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Prowler ecs_task_definitions_logging_block_mode',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].logConfiguration.options.mode', (c) =>
        !c.logConfiguration?.logDriver
          ? { ok: true, message: 'no log configuration (see TD-011)' }
          : c.logConfiguration.options?.mode === 'non-blocking'
            ? { ok: true, message: 'non-blocking' }
            : {
                ok: false,
                message: `log mode ${c.logConfiguration.options?.mode ?? 'absent (blocking)'}: a slow log sink stalls the app`,
              },
      ),
  }),
  rule({
    id: 'TD-013',
    title: 'Containers have a memory hard limit',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Config ecs-task-definition-memory-hard-limit; CT.ECS.PR.7',
    check: ({ taskDefinition }) => {
      const fargateWithTaskMemory =
        (taskDefinition.requiresCompatibilities ?? []).includes('FARGATE') &&
        taskDefinition.memory !== undefined;
      return perContainer(taskDefinition, 'containerDefinitions[].memory', (c) =>
        c.memory !== undefined
          ? { ok: true, message: `memory ${c.memory} MiB` }
          : fargateWithTaskMemory
            ? { ok: true, message: 'Fargate task-level memory limits the container' }
            : { ok: false, message: 'no memory hard limit' },
      );
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
  rule({
    id: 'TD-017',
    title: 'No dangerous Linux capabilities added',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'PSS baseline and restricted capabilities',
    check: ({ taskDefinition }, { settings }) => {
      const allowed = new Set(settings.allowedCapabilities.map((c) => c.toUpperCase().replace(/^CAP_/, '')));
      return perContainer(taskDefinition, 'containerDefinitions[].linuxParameters.capabilities.add', (c) => {
        const extra = (c.linuxParameters?.capabilities?.add ?? []).filter(
          (cap) => !allowed.has(cap.toUpperCase().replace(/^CAP_/, '')),
        );
        return extra.length > 0
          ? { ok: false, message: `adds ${extra.join(', ')}` }
          : { ok: true, message: 'adds no capability beyond the allowlist' };
      });
    },
  }),
  rule({
    id: 'TD-018',
    title: 'All capabilities dropped (restricted profile)',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'PSS restricted capabilities',
    check: ({ taskDefinition }, { settings }) =>
      settings.profile !== 'restricted'
        ? taskLevel('linuxParameters.capabilities.drop', true, 'checked only under the restricted profile')
        : perContainer(taskDefinition, 'containerDefinitions[].linuxParameters.capabilities.drop', (c) =>
            (c.linuxParameters?.capabilities?.drop ?? []).some((cap) => cap.toUpperCase() === 'ALL')
              ? { ok: true, message: 'drops ALL' }
              : { ok: false, message: 'does not drop ALL capabilities' },
          ),
  }),
  rule({
    id: 'TD-019',
    title: 'No host path volumes',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'PSS baseline hostPathVolumes',
    check: ({ taskDefinition }) => {
      const hostPaths = (taskDefinition.volumes ?? []).filter((v) => v.host?.sourcePath);
      if (hostPaths.length === 0) return taskLevel('volumes', true, 'no host path volumes');
      return hostPaths.map((volume) => {
        const path = (volume.host?.sourcePath ?? '').replace(/\/+$/, '') || '/';
        const critical =
          path === '/' || dangerousHostPaths.some((p) => path === p || path.startsWith(`${p}/`));
        return {
          field: `volumes[${volume.name ?? '?'}].host.sourcePath`,
          ok: false,
          message: `mounts host path ${path}`,
          ...(critical ? { severity: 'critical' as const } : {}),
        };
      });
    },
  }),
  rule({
    id: 'TD-020',
    title: 'No host ports in bridge or host mode',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'PSS baseline hostPorts',
    check: ({ taskDefinition }) => {
      const mode = networkModeOf(taskDefinition);
      return perContainer(taskDefinition, 'containerDefinitions[].portMappings[].hostPort', (c) => {
        const fixed = (c.portMappings ?? [])
          .map((p) => p.hostPort)
          .filter((port) => port !== undefined && port !== 0);
        return (mode === 'bridge' || mode === 'host') && fixed.length > 0
          ? { ok: false, message: `binds host port(s) ${fixed.join(', ')} in ${mode} mode` }
          : { ok: true, message: 'no fixed host ports' };
      });
    },
  }),
  rule({
    id: 'TD-021',
    title: 'No host devices',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'privileged-equivalent',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].linuxParameters.devices', (c) => {
        const devices = c.linuxParameters?.devices ?? [];
        return devices.length > 0
          ? { ok: false, message: `maps host device(s) ${devices.map((d) => d.hostPath ?? '?').join(', ')}` }
          : { ok: true, message: 'no host devices' };
      }),
  }),
  rule({
    id: 'TD-022',
    title: 'Only safe sysctls',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'PSS baseline sysctls',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].systemControls[].namespace', (c) => {
        const unsafe = (c.systemControls ?? [])
          .map((s) => s.namespace ?? '')
          .filter((n) => !safeSysctls.has(n));
        return unsafe.length > 0
          ? { ok: false, message: `sets unsafe sysctl(s) ${unsafe.join(', ')}` }
          : { ok: true, message: 'only safe sysctls' };
      }),
  }),
  rule({
    id: 'TD-023',
    title: 'No weakened LSM confinement; no-new-privileges (restricted)',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'PSS baseline AppArmor/SELinux; PSS restricted allowPrivilegeEscalation',
    check: ({ taskDefinition }, { settings }) =>
      perContainer(taskDefinition, 'containerDefinitions[].dockerSecurityOptions', (c) => {
        const options = c.dockerSecurityOptions ?? [];
        const weakened = options.filter((o) => o === 'apparmor:unconfined' || o.startsWith('label:'));
        if (weakened.length > 0) return { ok: false, message: `weakens confinement: ${weakened.join(', ')}` };
        const noNewPrivileges = options.some(
          (o) => o === 'no-new-privileges' || o === 'no-new-privileges:true',
        );
        if (settings.profile === 'restricted' && !noNewPrivileges)
          return { ok: false, message: 'lacks no-new-privileges (restricted profile)' };
        return { ok: true, message: 'confinement intact' };
      }),
  }),
  rule({
    id: 'TD-024',
    title: 'Images pinned by digest',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'Gatekeeper K8sDisallowedTags; Kyverno verifyDigest',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].image', (c) => {
        const image = parseImageName(c.image ?? '');
        if (!image) return { ok: false, message: `image "${c.image ?? ''}" is not a valid reference` };
        if (image.digest) return { ok: true, message: 'pinned by digest' };
        return {
          ok: false,
          message:
            image.tag && image.tag !== 'latest'
              ? `mutable tag ${image.tag}, no digest`
              : 'no tag or latest, no digest',
        };
      }),
  }),
  rule({
    id: 'TD-025',
    title: 'Images from allowed registries',
    severity: 'high',
    defaultMode: 'warn',
    anchors: 'Gatekeeper K8sAllowedRepos',
    check: ({ taskDefinition }, { settings }) =>
      perContainer(taskDefinition, 'containerDefinitions[].image', (c) => {
        const image = parseImageName(c.image ?? '');
        if (!image) return { ok: false, message: `image "${c.image ?? ''}" is not a valid reference` };
        return registryAllowed(image, settings.allowedRegistries)
          ? { ok: true, message: `registry ${image.registry} allowed` }
          : { ok: false, message: `registry ${image.registry}/${image.path} is not in the allowlist` };
      }),
  }),
  rule({
    id: 'TD-026',
    title: 'Task definitions carry the required tags',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Security Hub ECS.15; Config tagged-ecs-taskdefinition',
    check: ({ tags }, { settings }) => {
      const missing = missingTagKeys(tags, settings.requiredTagKeys);
      return taskLevel(
        'tags',
        missing.length === 0,
        missing.length > 0 ? `missing tag(s) ${missing.join(', ')}` : 'required tags present',
      );
    },
  }),
  rule({
    id: 'TD-027',
    title: 'Secrets come from SSM or Secrets Manager in allowed accounts',
    severity: 'medium',
    defaultMode: 'warn',
    anchors: 'novel',
    check: ({ taskDefinition }, { settings }) => {
      const own =
        accountOfArn(taskDefinition.taskDefinitionArn) ?? accountOfArn(taskDefinition.executionRoleArn);
      const accounts = new Set([...settings.allowedSecretAccounts, ...(own ? [own] : [])]);
      return perContainer(taskDefinition, 'containerDefinitions[].secrets[].valueFrom', (c) => {
        const bad = (c.secrets ?? []).flatMap((secret) => {
          const from = secret.valueFrom ?? '';
          if (!from.startsWith('arn:')) return from ? [] : [`${secret.name ?? '?'} (empty)`];
          const match = /^arn:[^:]+:(ssm|secretsmanager):[^:]*:(\d{12}):(parameter\/|secret:)/.exec(from);
          if (!match) return [`${secret.name ?? '?'} (not an SSM parameter or Secrets Manager secret)`];
          return accounts.size > 0 && !accounts.has(match[2] ?? '')
            ? [`${secret.name ?? '?'} (account ${match[2]} not allowed)`]
            : [];
        });
        return bad.length > 0
          ? { ok: false, message: `secret(s) ${bad.join(', ')}` }
          : { ok: true, message: 'secret sources allowed' };
      });
    },
  }),
  rule({
    id: 'TD-028',
    title: 'Essential containers have a health check',
    severity: 'low',
    defaultMode: 'audit',
    anchors: 'Checkov CKV_K8S_8/9 analogue',
    check: ({ taskDefinition }) =>
      perContainer(taskDefinition, 'containerDefinitions[].healthCheck', (c) =>
        c.essential === false
          ? { ok: true, message: 'not essential' }
          : c.healthCheck?.command?.length
            ? { ok: true, message: 'has a health check' }
            : { ok: false, message: 'essential container without a health check' },
      ),
  }),
];

export type { TaskDefinitionInput };
