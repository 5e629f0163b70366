/**
 * The guardrail engine: runs every rule that is not `off`, turns checks into findings under the resolved
 * mode, applies waivers, and never lets a rule's own failure pass: it becomes an `error` finding.
 */
import { withoutNulls } from '../absent.ts';
import { rules } from './catalogue.ts';
import {
  findWaiver,
  type GuardrailsConfig,
  type PolicyScope,
  resolveRule,
  settingsOf,
  environmentOf,
  type WaiverSubject,
} from './policy.ts';
import { scanForSecrets } from './secrets.ts';
import type { Check, Finding, Rule, RuleContext, ServiceShape, Tag, TaskDefinitionShape } from './types.ts';

export interface GuardrailReport {
  findings: Finding[];
  /** True when a finding fails a `block` rule, or a `block` rule that fails closed could not decide. */
  blocked: boolean;
  /** Expired waivers that would otherwise have applied: ignored, and reported. */
  expiredWaivers: string[];
  /** Rules whose failures ask for remediation (out-of-band changes only). */
  remediations: { rule: string; action: 'deregister' | 'rollback' }[];
}

export interface EvaluationScope extends PolicyScope {
  subject: WaiverSubject;
  now: Date;
  /** The image of a container by name, for waivers that match images. */
  imageOf?: (container: string) => string | undefined;
}

export const isBlocking = (finding: Finding, onError: 'fail' | 'ignore' = 'fail'): boolean =>
  finding.status === 'fail' || (finding.status === 'error' && finding.mode === 'block' && onError === 'fail');

const judge = (
  rule: Rule,
  checks: () => Check[],
  guardrails: GuardrailsConfig,
  scope: EvaluationScope,
  report: GuardrailReport,
): void => {
  const resolved = resolveRule(guardrails, rule.id, rule.defaultMode, scope);
  if (resolved.mode === 'off') return;
  let results: Check[];
  try {
    results = checks();
  } catch (error) {
    const finding: Finding = {
      rule: rule.id,
      severity: rule.severity,
      status: 'error',
      mode: resolved.mode,
      field: '(rule)',
      message: `rule could not evaluate: ${error instanceof Error ? error.message : String(error)}`,
    };
    report.findings.push(finding);
    if (isBlocking(finding, resolved.onError)) report.blocked = true;
    return;
  }
  let failed = false;
  for (const check of results) {
    const severity = check.severity ?? rule.severity;
    const base = {
      rule: rule.id,
      severity,
      field: check.field,
      message: check.message,
      ...(check.container !== undefined ? { container: check.container } : {}),
    };
    if (check.ok) {
      report.findings.push({ ...base, status: 'pass' });
      continue;
    }
    // A container's finding is waived by that container's image, not by its siblings'.
    const image = check.container !== undefined ? scope.imageOf?.(check.container) : undefined;
    const subject = image !== undefined ? { ...scope.subject, images: [image] } : scope.subject;
    const match = findWaiver(guardrails.waivers, rule.id, severity === 'critical', subject, scope.now);
    for (const expired of match.expired) {
      if (!report.expiredWaivers.includes(expired.id)) report.expiredWaivers.push(expired.id);
    }
    if (match.waiver) {
      report.findings.push({
        ...base,
        status: 'skip',
        mode: resolved.mode,
        waiver: match.waiver.id,
        message: `${check.message} (waived: ${match.waiver.reason})`,
      });
      continue;
    }
    const note =
      match.expired.length > 0 ? ` (waiver ${match.expired.map((w) => w.id).join(', ')} expired)` : '';
    const status = resolved.mode === 'block' ? 'fail' : 'warn';
    report.findings.push({ ...base, status, mode: resolved.mode, message: `${check.message}${note}` });
    if (status === 'fail') report.blocked = true;
    failed = true;
  }
  if (failed && resolved.remediate) report.remediations.push({ rule: rule.id, action: resolved.remediate });
};

const emptyReport = (): GuardrailReport => ({
  findings: [],
  blocked: false,
  expiredWaivers: [],
  remediations: [],
});

const contextFor = (guardrails: GuardrailsConfig, scope: EvaluationScope): RuleContext => ({
  settings: settingsOf(guardrails),
  production: environmentOf(guardrails, scope.cluster)?.production ?? false,
});

export const evaluateTaskDefinition = async (
  described: TaskDefinitionShape,
  describedTags: Tag[],
  guardrails: GuardrailsConfig,
  scope: EvaluationScope,
): Promise<GuardrailReport> => {
  // Describe output reaches here straight from the use cases: null means absent for every rule.
  const taskDefinition = withoutNulls(described);
  const tags = withoutNulls(describedTags ?? []);
  const report = emptyReport();
  const context = contextFor(guardrails, scope);
  const images = new Map(
    (taskDefinition.containerDefinitions ?? []).map((c, index) => [
      c.name ?? `#${index}`,
      typeof c.image === 'string' ? c.image : '',
    ]),
  );
  const withImages: EvaluationScope = { ...scope, imageOf: (container) => images.get(container) };
  let secrets: Awaited<ReturnType<typeof scanForSecrets>> | Error;
  try {
    secrets = await scanForSecrets(taskDefinition, { allowedEnvNames: guardrails.allowedEnvNames });
  } catch (error) {
    secrets = error instanceof Error ? error : new Error(String(error));
  }
  for (const rule of rules) {
    if (rule.subject !== 'task-definition') continue;
    judge(
      rule,
      () => {
        if (rule.id === 'TD-010' && secrets instanceof Error) throw secrets;
        return rule.check(
          { taskDefinition, tags, secrets: secrets instanceof Error ? [] : secrets },
          context,
        );
      },
      guardrails,
      withImages,
      report,
    );
  }
  return report;
};

export const evaluateService = (
  described: ServiceShape,
  guardrails: GuardrailsConfig,
  scope: EvaluationScope,
): GuardrailReport => {
  const service = withoutNulls(described);
  const report = emptyReport();
  const context = contextFor(guardrails, scope);
  for (const rule of rules) {
    if (rule.subject !== 'service') continue;
    judge(rule, () => rule.check(service, context), guardrails, scope, report);
  }
  return report;
};

/** Adds findings judged elsewhere (the scan gate) to a report. */
export const addFinding = (report: GuardrailReport, finding: Finding): void => {
  report.findings.push(finding);
  if (isBlocking(finding)) report.blocked = true;
};

export const summarize = (findings: readonly Finding[]) => ({
  fail: findings.filter((f) => f.status === 'fail').length,
  warn: findings.filter((f) => f.status === 'warn').length,
  pass: findings.filter((f) => f.status === 'pass').length,
  skip: findings.filter((f) => f.status === 'skip').length,
  error: findings.filter((f) => f.status === 'error').length,
  pending: findings.filter((f) => f.status === 'pending').length,
});

/** Findings worth a message: failures, warnings, errors and pending gates (not audit-only ones). */
export const notable = (findings: readonly Finding[]): Finding[] =>
  findings.filter(
    (f) =>
      f.status === 'fail' ||
      f.status === 'error' ||
      f.status === 'pending' ||
      (f.status === 'warn' && f.mode !== 'audit'),
  );
