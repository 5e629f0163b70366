/**
 * The `guardrails` section of the config: settings, per-rule modes with overrides per environment (a set of
 * clusters), per pipeline and per enforcement point, and waivers that must expire.
 */
import picomatch from 'picomatch';
import * as z from '../zod.ts';
import { resourceName } from '../arn.ts';
import { freezeWindowsSchema } from '../freeze/schema.ts';
import type { EnforcementPoint, GuardrailSettings, Mode } from './types.ts';

const modeSchema = z.enum(['off', 'audit', 'warn', 'block']);
const text = z.string().check(z.minLength(1));
const texts = (fallback: string[] = []) => z._default(z.array(text), fallback);

const ruleSettingSchema = z.union([
  modeSchema,
  z.strictObject({
    mode: z.optional(modeSchema),
    points: z
      .optional(z.partialRecord(z.enum(['ci', 'pre-deploy', 'runtime', 'admission']), modeSchema))
      .check(z.describe('A different mode per enforcement point')),
    onError: z
      .optional(z.enum(['fail', 'ignore']))
      .check(z.describe('When the rule cannot decide: fail closed or open')),
    remediate: z
      .optional(z.enum(['deregister', 'rollback']))
      .check(
        z.describe(
          'Out-of-band changes only: deregister the revision, or roll the service back to its last compliant one',
        ),
      ),
  }),
]);
export type RuleSetting = z.infer<typeof ruleSettingSchema>;

/**
 * Rule modes by rule ID. `parseConfig` checks the IDs against the catalogue (`unknownRuleIds`), which would
 * bring every rule into any bundle that reads the config.
 */
export const ruleSettingsSchema = z.record(z.string(), ruleSettingSchema);

const waiverSchema = z.strictObject({
  id: text,
  rules: z
    .array(z.string().check(z.regex(/^(\*|[A-Z]+-\*|[A-Z]+-\d{3})$/, 'a rule id, "TD-*" or "*"')))
    .check(z.minLength(1)),
  match: z._default(
    z.strictObject({
      clusters: z.optional(z.array(z.string())),
      services: z.optional(z.array(z.string())),
      families: z.optional(z.array(z.string())),
      images: z.optional(z.array(z.string())),
    }),
    {},
  ),
  reason: z.string().check(z.minLength(20, 'say why in at least 20 characters')),
  owner: text,
  expires: z.union([z.iso.date(), z.iso.datetime()]).check(z.describe('Required: a waiver always ends')),
});
export type Waiver = z.infer<typeof waiverSchema>;

export const guardrailsSchema = z
  .strictObject({
    profile: z._default(z.enum(['baseline', 'restricted']), 'baseline'),
    requiredTagKeys: texts(),
    allowedRegistries: texts(['ecr', 'public.ecr.aws']).check(
      z.describe('Hosts, optionally with a path prefix; "ecr" is any private ECR registry'),
    ),
    allowedCapabilities: texts(['NET_BIND_SERVICE']),
    secretEnvNames: texts().check(
      z.describe(
        'TD-009: extra words or names that mark a secret-holding environment variable (any case and position)',
      ),
    ),
    allowedEnvNames: texts().check(
      z.describe('TD-009, TD-010: environment names or globs (any case) known to hold no secret'),
    ),
    allowedSecretAccounts: z._default(z.array(z.string().check(z.regex(/^\d{12}$/))), []),
    fargatePlatformVersions: z._default(z.record(z.string(), z.string()), {
      LINUX: '1.4.0',
      WINDOWS_SERVER: '1.0.0',
    }),
    rules: z._default(ruleSettingsSchema, {}),
    environments: z._default(
      z.record(
        z.string(),
        z.strictObject({
          clusters: z.array(text).check(z.minLength(1), z.describe('Cluster name globs')),
          production: z._default(z.boolean(), false),
          rules: z._default(ruleSettingsSchema, {}),
          freeze: freezeWindowsSchema.check(
            z.describe('Freeze windows for pipelines deploying to these clusters'),
          ),
        }),
      ),
      {},
    ),
    waivers: z._default(z.array(waiverSchema), []),
    ignoreRoles: z
      ._default(z.array(z.string()), [])
      .check(z.describe('Role ARN globs whose ECS changes are not audited')),
  })
  .check(
    z.superRefine((guardrails, context) => {
      const seen = new Set<string>();
      guardrails.waivers.forEach((waiver, index) => {
        if (seen.has(waiver.id))
          context.addIssue({
            code: 'custom',
            path: ['waivers', index, 'id'],
            message: `duplicate waiver id ${waiver.id}`,
          });
        seen.add(waiver.id);
      });
    }),
  );
export type GuardrailsConfig = z.infer<typeof guardrailsSchema>;

export const defaultGuardrails = (): GuardrailsConfig => guardrailsSchema.parse({});

export interface PolicyScope {
  cluster?: string;
  /** The pipeline's own rule overrides. */
  pipelineRules?: Record<string, RuleSetting>;
  point: EnforcementPoint;
}

export interface ResolvedRule {
  mode: Mode;
  onError: 'fail' | 'ignore';
  remediate?: 'deregister' | 'rollback';
}

export const environmentOf = (guardrails: GuardrailsConfig, cluster: string | undefined) => {
  if (!cluster) return undefined;
  const name = resourceName(cluster);
  return Object.entries(guardrails.environments).find(([, env]) =>
    picomatch.isMatch(name, env.clusters),
  )?.[1];
};

export const settingsOf = (guardrails: GuardrailsConfig): GuardrailSettings => ({
  profile: guardrails.profile,
  requiredTagKeys: guardrails.requiredTagKeys,
  allowedRegistries: guardrails.allowedRegistries,
  allowedCapabilities: guardrails.allowedCapabilities,
  secretEnvNames: guardrails.secretEnvNames,
  allowedEnvNames: guardrails.allowedEnvNames,
  allowedSecretAccounts: guardrails.allowedSecretAccounts,
  fargatePlatformVersions: guardrails.fargatePlatformVersions,
});

/** Defaults, then the global rules, then the environment's, then the pipeline's; a point's mode wins. */
export const resolveRule = (
  guardrails: GuardrailsConfig,
  id: string,
  defaultMode: Mode,
  scope: PolicyScope,
): ResolvedRule => {
  const environment = environmentOf(guardrails, scope.cluster);
  const layers = [guardrails.rules[id], environment?.rules[id], scope.pipelineRules?.[id]];
  let mode = defaultMode;
  let onError: 'fail' | 'ignore' = environment?.production ? 'fail' : 'ignore';
  let remediate: ResolvedRule['remediate'];
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (typeof layer === 'string') {
      mode = layer;
      continue;
    }
    mode = layer.points?.[scope.point] ?? layer.mode ?? mode;
    onError = layer.onError ?? onError;
    remediate = layer.remediate ?? remediate;
  }
  return { mode, onError, ...(remediate ? { remediate } : {}) };
};

export interface WaiverSubject {
  cluster?: string;
  service?: string;
  family?: string;
  images: string[];
}

const matches = (value: string | undefined, globs: string[] | undefined): boolean =>
  globs === undefined || (value !== undefined && picomatch.isMatch(value, globs));

const coversRule = (waiver: Waiver, rule: string, critical: boolean): boolean =>
  waiver.rules.some((entry) => {
    if (entry === rule) return true;
    // A wildcard never waives a critical finding: that needs the rule named.
    if (critical) return false;
    return entry === '*' || (entry.endsWith('-*') && rule.startsWith(entry.slice(0, -1)));
  });

export interface WaiverMatch {
  waiver?: Waiver;
  expired: Waiver[];
}

/** The live waiver for this finding, and any expired ones that would have matched (they are reported). */
export const findWaiver = (
  waivers: readonly Waiver[],
  rule: string,
  critical: boolean,
  subject: WaiverSubject,
  now: Date,
): WaiverMatch => {
  const applicable = waivers.filter(
    (waiver) =>
      coversRule(waiver, rule, critical) &&
      matches(subject.cluster && resourceName(subject.cluster), waiver.match.clusters) &&
      matches(subject.service, waiver.match.services) &&
      matches(subject.family, waiver.match.families) &&
      (waiver.match.images === undefined ||
        (subject.images.length > 0 &&
          subject.images.every((image) => picomatch.isMatch(image, waiver.match.images ?? [])))),
  );
  const expiry = (waiver: Waiver) =>
    new Date(waiver.expires.length === 10 ? `${waiver.expires}T23:59:59Z` : waiver.expires);
  const live = applicable.find((waiver) => expiry(waiver) > now);
  return { ...(live ? { waiver: live } : {}), expired: applicable.filter((waiver) => expiry(waiver) <= now) };
};
