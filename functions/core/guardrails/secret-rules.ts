/**
 * TD-009 (secret-named variables holding a literal value) and TD-010 (secret-looking values, whatever the
 * name). Findings name the container and the variable or field, never the value.
 */
import { perContainer, containersOf, nameOf, rule } from './rule-helpers.ts';
import { classifyValue, isAllowedName, isSecretName } from './secret-names.ts';
import type { TaskDefinitionRule } from './types.ts';

export const secretRules: TaskDefinitionRule[] = [
  rule({
    id: 'TD-009',
    title: 'No secret-named environment variables with literal values',
    severity: 'high',
    defaultMode: 'block',
    anchors: 'Security Hub ECS.8; Config ecs-no-environment-secrets; CT.ECS.PR.12; Trivy AVD-AWS-0036',
    check: ({ taskDefinition }, { settings }) =>
      perContainer(taskDefinition, 'containerDefinitions[].environment[].name', (c) => {
        const found = (c.environment ?? [])
          .filter(
            (e) =>
              typeof e.name === 'string' &&
              isSecretName(e.name, settings.secretEnvNames) &&
              !isAllowedName(e.name, settings.allowedEnvNames) &&
              classifyValue(e.value) === 'literal',
          )
          .map((e) => e.name);
        return found.length > 0
          ? {
              ok: false,
              message: `secret-named variable(s) ${found.join(', ')} hold a literal value in plain environment; use secrets (valueFrom)`,
            }
          : { ok: true, message: 'no secret-named variable holds a literal value' };
      }),
  }),
  rule({
    id: 'TD-010',
    title: 'No secret values in environment, command, entryPoint or docker labels',
    severity: 'high',
    defaultMode: 'block',
    anchors:
      'Prowler ecs_task_definitions_no_environment_secrets; cdk-nag ECS2; Trivy AVD-AWS-0036; secretlint',
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
];
