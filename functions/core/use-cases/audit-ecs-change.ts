/**
 * Out-of-band change: someone (a person, a pipeline, a script) registered a task definition or created or
 * updated a service. Judge the result against the guardrails at the `runtime` point.
 *
 * Primary course:
 *  1. Parse the CloudTrail event; anything but a successful RegisterTaskDefinition, CreateService or
 *     UpdateService on ECS, or a call by Deckhand's own roles or an ignored role, is `ignored`.
 *  2. Re-read the full object with Describe* (requestParameters may be truncated): the task definition, or
 *     the service and its task definition.
 *  3. Evaluate the rules under the runtime modes; record the findings in the ledger.
 *  4. Remediate where a failing rule asks for it: deregister the offending revision, or roll the service
 *     back to the last revision Deckhand deployed (which passed the guardrails), through the one roll
 *     operation: a push that rolled the service since the head was read wins.
 *  5. Outcome `alerted` when a finding should be told (warn or block mode), else `recorded`.
 *
 * Alternate courses: a malformed event is `rejected`; a resource that is already gone is `ignored`;
 * transient AWS failures are thrown.
 */
import picomatch from 'picomatch';
import { resourceName } from '../arn.ts';
import type { DeckhandConfig } from '../config.ts';
import { TargetError } from '../errors.ts';
import { type EcsApiCall, ecsApiCallSchema } from '../events/cloudtrail.ts';
import { acceptEvent } from '../events/parse-event.ts';
import {
  evaluateService,
  evaluateTaskDefinition,
  type GuardrailReport,
  notable,
} from '../guardrails/engine.ts';
import type { Finding } from '../guardrails/types.ts';
import { type AuditAction, type AuditOutcome } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { Ledger } from '../ports/stores.ts';
import { rollService } from '../rollouts/roll-service.ts';
import { type Home, roleArnOf, serviceKeyOf, type Site, siteAt, unknownAccountReason } from '../sites.ts';
import { tagMap } from '../task-definition.ts';

export interface AuditDeps {
  config: DeckhandConfig;
  home: Home;
  ecs: EcsPort;
  ledger: Pick<Ledger, 'heads' | 'rollouts' | 'audits'>;
  clock: Clock;
  log: Log;
  /** Role ARNs Deckhand itself acts as; their calls are its own deploys, judged before they happened. */
  selfRoles: readonly string[];
}

const auditedCalls = new Set(['RegisterTaskDefinition', 'CreateService', 'UpdateService']);

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

const callerOf = (event: EcsApiCall): string =>
  event.detail.userIdentity.sessionContext?.sessionIssuer?.arn ??
  event.detail.userIdentity.arn ??
  '(unknown)';

export const auditEcsChange = async (input: unknown, deps: AuditDeps): Promise<AuditOutcome> => {
  const accepted = acceptEvent('audit', ecsApiCallSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const { detail } = event;
  const ignore = (reason: string): AuditOutcome => {
    deps.log.info('change ignored', { eventId: event.id, eventName: detail.eventName, reason });
    return { ...base, outcome: 'ignored', actions: [], reason };
  };
  if (detail.eventSource !== 'ecs.amazonaws.com' || !auditedCalls.has(detail.eventName))
    return ignore(`${detail.eventSource} ${detail.eventName} is not audited`);
  if (detail.errorCode) return ignore(`the call failed (${detail.errorCode})`);
  // A change in a spoke is judged there: CloudTrail reports a call in the account that received it.
  const where = siteAt(deps, event.account, event.region);
  if (!where.known) return ignore(unknownAccountReason(event.account, event.region));
  const { site } = where;
  const caller = callerOf(event);
  if (deps.selfRoles.includes(caller) || (site && caller === roleArnOf(site)))
    return ignore('made by Deckhand itself');
  if (
    deps.config.guardrails.ignoreRoles.length > 0 &&
    picomatch.isMatch(caller, deps.config.guardrails.ignoreRoles)
  )
    return ignore(`caller ${caller} is in guardrails.ignoreRoles`);

  const now = deps.clock.now();
  let action: AuditAction;
  try {
    action =
      detail.eventName === 'RegisterTaskDefinition'
        ? await auditTaskDefinition(event, site, deps, now)
        : await auditService(event, site, deps, now);
  } catch (error) {
    if (error instanceof TargetError) return ignore(`the resource is gone: ${error.message}`);
    throw error;
  }
  await deps.ledger.audits.record({
    resource: action.resource,
    eventId: event.id,
    eventName: detail.eventName,
    caller,
    at: detail.eventTime ?? event.time,
    findings: action.findings,
    ...(action.remediation ? { remediation: action.remediation } : {}),
  });
  const alert = action.findings.some((f) => f.mode !== 'audit' && f.status !== 'pass');
  deps.log.info('change audited', {
    eventId: event.id,
    resource: action.resource,
    caller,
    findings: action.findings.length,
    alert,
  });
  return {
    ...base,
    outcome: alert ? 'alerted' : 'recorded',
    actions: [action],
    reason: `${detail.eventName} by ${caller}: ${action.findings.filter((f) => f.status !== 'pass').length} finding(s)${action.remediation ? `; ${action.remediation}` : ''}`,
  };
};

const auditTaskDefinition = async (
  event: EcsApiCall,
  site: Site | undefined,
  deps: AuditDeps,
  now: Date,
): Promise<AuditAction> => {
  const { detail } = event;
  const arn =
    text(at(detail.responseElements, 'taskDefinition', 'taskDefinitionArn')) ??
    text(at(detail.requestParameters, 'family'));
  if (!arn) throw new TargetError('the event names no task definition');
  const { taskDefinition, tags } = await deps.ecs.describeTaskDefinition(arn, site);
  const report = await evaluateTaskDefinition(taskDefinition, tags, deps.config.guardrails, {
    point: 'runtime',
    subject: {
      family: taskDefinition.family ?? '',
      images: (taskDefinition.containerDefinitions ?? []).map((c) => c.image ?? ''),
    },
    now,
  });
  const resource = taskDefinition.taskDefinitionArn ?? arn;
  const remediation = report.remediations.some((r) => r.action === 'deregister')
    ? await deregister(resource, site, deps)
    : undefined;
  return { resource, findings: relevant(report), ...(remediation ? { remediation } : {}) };
};

const auditService = async (
  event: EcsApiCall,
  site: Site | undefined,
  deps: AuditDeps,
  now: Date,
): Promise<AuditAction> => {
  const { detail } = event;
  const cluster =
    text(at(detail.responseElements, 'service', 'clusterArn')) ??
    text(at(detail.requestParameters, 'cluster')) ??
    'default';
  const service =
    text(at(detail.responseElements, 'service', 'serviceName')) ??
    text(at(detail.requestParameters, 'serviceName')) ??
    text(at(detail.requestParameters, 'service'));
  if (!service) throw new TargetError('the event names no service');
  const name = resourceName(service);
  const snapshot = (await deps.ecs.describeServices(cluster, [name], site)).get(name);
  if (!snapshot) throw new TargetError(`service ${name} not found in ${cluster}`);
  const scope = { point: 'runtime' as const, cluster, now };
  const { taskDefinition, tags } = await deps.ecs.describeTaskDefinition(snapshot.taskDefinition, site);
  const images = (taskDefinition.containerDefinitions ?? []).map((c) => c.image ?? '');
  const subject = { cluster, service: name, family: taskDefinition.family ?? '', images };
  const serviceReport = evaluateService(snapshot.shape, deps.config.guardrails, { ...scope, subject });
  const taskReport = await evaluateTaskDefinition(taskDefinition, tags, deps.config.guardrails, {
    ...scope,
    subject,
  });
  const findings = [...relevant(serviceReport), ...relevant(taskReport)];
  const wantsRollback = [...serviceReport.remediations, ...taskReport.remediations].some(
    (r) => r.action === 'rollback',
  );
  const remediation = wantsRollback
    ? await rollBack(event, { cluster, service: name, site }, snapshot.taskDefinition, deps)
    : undefined;
  return {
    resource: snapshot.serviceArn || `${cluster}/${name}`,
    cluster,
    service: name,
    ...(site ? { site } : {}),
    serviceTags: tagMap(snapshot.tags),
    findings,
    ...(remediation ? { remediation } : {}),
  };
};

/** Notable findings, plus audit-mode ones: the ledger keeps every violation, the alert only what is told. */
const relevant = (report: GuardrailReport): Finding[] => [
  ...notable(report.findings),
  ...report.findings.filter((f) => f.status === 'warn' && f.mode === 'audit'),
];

const deregister = async (arn: string, site: Site | undefined, deps: AuditDeps): Promise<string> => {
  await deps.ecs.deregisterTaskDefinition(arn, site);
  deps.log.warn('non-compliant task definition deregistered', { taskDefinition: arn });
  return `deregistered ${arn}`;
};

const rollBack = async (
  event: EcsApiCall,
  { cluster, service, site }: { cluster: string; service: string; site: Site | undefined },
  current: string,
  deps: AuditDeps,
): Promise<string> => {
  const serviceKey = serviceKeyOf(cluster, service, site);
  const head = await deps.ledger.heads.get(serviceKey);
  if (!head)
    return 'rollback asked for, but Deckhand never deployed this service: no known compliant revision';
  if (head.taskDefinition === current)
    return 'rollback asked for, but the service already runs its last compliant revision';
  const result = await rollService(
    {
      target: { serviceKey, cluster, service, site },
      taskDefinition: head.taskDefinition,
      intent: { ...head, eventId: `remediation:${event.id}` },
      precedence: { kind: 'head-version', version: head.version },
      owner: `remediation#${event.id}`,
    },
    deps,
  );
  if (result.status !== 'rolled') return `rollback not made: ${result.reason}`;
  deps.log.warn('service rolled back to its last compliant revision', {
    cluster,
    serviceName: service,
    taskDefinition: head.taskDefinition,
  });
  return `rolled back to ${head.taskDefinition}`;
};
