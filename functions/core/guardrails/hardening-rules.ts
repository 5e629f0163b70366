/** Hardening rules TD-017 … TD-028: capabilities, host resources, images, tags, secret sources, health. */
import { parseImageName, registryAllowed } from './image-name.ts';
import { perContainer, networkModeOf, rule, taskLevel } from './rule-helpers.ts';
import type { TaskDefinitionRule } from './types.ts';
import { requiredTags } from './types.ts';

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

export const hardeningRules: TaskDefinitionRule[] = [
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
      const { passed, message } = requiredTags(tags, settings.requiredTagKeys);
      return taskLevel('tags', passed, message);
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
