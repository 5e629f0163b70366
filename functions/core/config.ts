/**
 * Deckhand's configuration: the schema (zod), validation with key paths, and pipeline look-ups. The tag
 * policies, crons and rule IDs are checked with their parsers by `parseConfig` (config-checks.ts), which the
 * CLI and `cdk synth` run; the functions read the copy synth validated (bundled-config.ts), so a function
 * carries those parsers only if it uses them.
 */
import { admissionSchema } from './admission/config.ts';
import { resourceName } from './arn.ts';
import { parserIssues } from './config-checks.ts';
import { type Home, placeOf, registryOf, sameSite, type Site, type SiteDeps, siteOfTarget } from './sites.ts';
import { ConfigError } from './errors.ts';
import { guardrailsSchema, ruleSettingsSchema } from './guardrails/policy.ts';
import { freezeWindowsSchema } from './freeze/schema.ts';
import { promoteSchema, promotionIssues } from './promotions/config.ts';
import { durationPattern, parseDuration } from './rollouts/duration.ts';
import { parseTagPolicy, type TagPolicy } from './tag-policy.ts';
import * as z from './zod.ts';
import { formatIssues } from './zod-issues.ts';

const name = z.string().check(z.trim(), z.minLength(1));

export const accountSchema = z
  .strictObject({
    id: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account ID')),
    region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS Region, e.g. eu-west-1')),
    roleName: z
      ._default(z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name')), 'deckhand-deploy')
      .check(z.describe('The role Deckhand assumes there (the spoke stack creates it)')),
  })
  .check(z.describe('An AWS account and Region Deckhand acts in, besides its own'));

export const targetSchema = z
  .strictObject({
    account: z
      .optional(name)
      .check(z.describe('A key of `accounts`; default: the hub’s own account and Region')),
    cluster: name.check(z.describe('ECS cluster name or ARN')),
    service: name.check(z.describe('ECS service name')),
    containers: z
      .optional(z.array(name).check(z.minLength(1)))
      .check(z.describe('Containers to update; default: every container whose image is in the repository')),
  })
  .check(z.describe('An ECS service the pipeline deploys to'));

const duration = z.string().check(
  z.refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? 0) > 0, {
    message: 'a duration like "90s", "10m" or "1h"',
  }),
);

const count = z.number().check(z.int(), z.gte(1));

const crashLoopSchema = z.strictObject({
  stops: z._default(count, 3).check(z.describe('Failing task stops that make a crash loop')),
  window: z._default(duration, '10m').check(z.describe('…within this window')),
});

const severityCounts = z.partialRecord(
  z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']),
  count,
);

export const notifyTriggers = [
  'deploy',
  'guardrail',
  'out-of-band',
  'crash-loop',
  'alarm',
  'drift',
  'promotion',
] as const;
export type NotifyTrigger = (typeof notifyTriggers)[number];

const secretArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:.+/, 'a Secrets Manager secret ARN'));

const teamSchema = z.strictObject({
  slack: z.optional(
    z.union([
      z.strictObject({
        channel: z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel ID, e.g. C0123456789')),
        botToken: secretArn.check(
          z.describe('Secret holding the xoxb- bot token (Web API: messages update in place)'),
        ),
      }),
      z.strictObject({
        webhook: secretArn.check(z.describe('Secret holding the incoming-webhook URL (one post per change)')),
      }),
    ]),
  ),
  notify: z
    ._default(z.array(z.enum(notifyTriggers)), [...notifyTriggers])
    .check(z.describe('What this team is told')),
});
export type TeamConfig = z.infer<typeof teamSchema>;

/** A promote pipeline takes its image, tag included, from `from`: a tag policy there would mean nothing. */
const promoteHasNoTags = (raw: unknown, payload: z.core.ParsePayload) => {
  if (raw && typeof raw === 'object' && 'promote' in raw && 'tags' in raw)
    payload.issues.push({
      code: 'custom',
      path: ['tags'],
      message: 'a promote pipeline deploys what `from` proved',
      input: raw,
    });
  return raw;
};

const pipelineObjectSchema = z.strictObject({
  name: name.check(
    z.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    z.describe('Unique name'),
  ),
  repository: z
    .optional(
      z.union([
        name,
        z.strictObject({
          account: name.check(z.describe('A key of `accounts`: the registry’s account and Region')),
          name: name.check(z.describe('ECR repository name')),
        }),
      ]),
    )
    .check(z.describe('ECR repository name in the hub’s own registry, e.g. "web", or { account, name }')),
  promote: z.optional(promoteSchema),
  freeze: freezeWindowsSchema.check(z.describe('Freeze windows for this pipeline, besides the global ones')),
  tags: z
    ._default(z.string().check(z.minLength(1)), '*')
    .check(z.describe('Tag policy: a glob (default), "semver:<range>" or "regex:<pattern>"')),
  targets: z.array(targetSchema).check(z.minLength(1)),
  team: z.optional(name).check(z.describe('Team that owns the pipeline; routes notifications')),
  guardrails: z
    .optional(ruleSettingsSchema)
    .check(z.describe('Rule modes for this pipeline, over the global ones')),
  scanGate: z
    .optional(
      z.strictObject({
        block: z._default(severityCounts, { CRITICAL: 1 }),
        warn: z._default(severityCounts, { HIGH: 1 }),
        timeoutMinutes: z._default(z.number().check(z.int(), z.positive()), 60),
        onTimeout: z._default(z.enum(['block', 'deploy']), 'block'),
      }),
    )
    .check(
      z.describe('IMG-003: wait for the scan of the digest and gate on its severity counts (at or above)'),
    ),
  bake: z
    ._default(duration, '10m')
    .check(z.describe('After a rollout completes, alarms in this window roll it back')),
  alarms: z
    ._default(
      z.union([
        z.array(name),
        z.strictObject({
          names: z._default(z.array(name), []),
          tags: z
            ._default(z.record(z.string(), z.string()), {})
            .check(z.describe('Alarms carrying all these tags')),
        }),
      ]),
      [],
    )
    .check(z.describe('CloudWatch alarms watching this pipeline’s services: names, or a tag selector')),
  crashLoop: z.optional(crashLoopSchema),
  reconcile: z
    ._default(z.boolean(), false)
    .check(z.describe('On drift, redeploy the revision Deckhand deployed')),
});

/** `repository: { account, name }` becomes `repository: name` plus `registry: account`, so look-ups stay simple. */
const splitRepository = <P extends { repository?: string | { account: string; name: string } | undefined }>(
  pipeline: P,
) => {
  const { repository, ...rest } = pipeline;
  return typeof repository === 'object'
    ? { ...rest, repository: repository.name, registry: repository.account as string | undefined }
    : { ...rest, repository, registry: undefined as string | undefined };
};

export const pipelineSchema = z.pipe(
  z.transform(promoteHasNoTags),
  z.pipe(pipelineObjectSchema, z.transform(splitRepository)),
);

export const configSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    accounts: z
      ._default(z.record(name, accountSchema), {})
      .check(
        z.describe('Spoke accounts and Regions by name (hub and spoke); targets and registries name them'),
      ),
    organizationId: z
      .optional(
        z.string().check(z.regex(/^o-[a-z0-9]{10,32}$/, 'an AWS Organizations ID, e.g. o-a1b2c3d4e5')),
      )
      .check(z.describe('Admit every account of this organization to the hub’s event bus')),
    pipelines: z._default(z.array(pipelineSchema), []),
    // A getter: parsed when a config leaves guardrails out, not on every cold start.
    guardrails: z._default(guardrailsSchema, () => guardrailsSchema.parse({})),
    teams: z._default(z.record(name, teamSchema), {}),
    notifications: z._default(
      z.strictObject({
        defaultTeam: z.optional(name).check(z.describe('Team told about everything no team owns')),
        teamTag: z
          ._default(name, 'deckhand:team')
          .check(z.describe('ECS service tag naming the owning team')),
      }),
      { teamTag: 'deckhand:team' },
    ),
    iam: z._default(
      z.strictObject({
        passRoles: z
          ._default(
            z
              .array(z.string().check(z.regex(/^[\w+=,.@/*-]+$/, 'a role name, path or name prefix with *')))
              .check(z.minLength(1)),
            ['*'],
          )
          .check(
            z.describe(
              'Task and execution role names Deckhand may pass when it registers a revision, e.g. "web-*"',
            ),
          ),
      }),
      { passRoles: ['*'] },
    ),
    drift: z._default(
      z.strictObject({
        interval: z._default(duration, '15m').check(z.describe('How often the scheduled drift check runs')),
        stuckAfter: z
          ._default(duration, '30m')
          .check(z.describe('A rolling deployment older than this is stuck')),
        desiredCount: z
          ._default(z.boolean(), false)
          .check(z.describe('Report desiredCount changes (off: autoscaling changes it)')),
      }),
      { interval: '15m', stuckAfter: '30m', desiredCount: false },
    ),
    rollouts: z._default(
      z.strictObject({ crashLoop: z._default(crashLoopSchema, { stops: 3, window: '10m' }) }),
      { crashLoop: { stops: 3, window: '10m' } },
    ),
    freeze: freezeWindowsSchema.check(z.describe('Freeze windows for every pipeline')),
    admission: admissionSchema.check(z.describe('The deployment lifecycle hook (ECS admission)')),
    slack: z.optional(
      z.strictObject({
        signingSecret: secretArn.check(
          z.describe('Secret holding the Slack app’s signing secret (interactive endpoint)'),
        ),
      }),
    ),
  })
  .check(
    z.superRefine((config, context) => {
      const seen = new Map<string, number>();
      config.pipelines.forEach((pipeline, index) => {
        const first = seen.get(pipeline.name);
        if (first !== undefined) {
          context.addIssue({
            code: 'custom',
            path: ['pipelines', index, 'name'],
            message: `duplicate pipeline name "${pipeline.name}" (also pipelines[${first}])`,
          });
        }
        seen.set(pipeline.name, index);
        const unknownAccount = (account: string | undefined) => account && !(account in config.accounts);
        if (unknownAccount(pipeline.registry))
          context.addIssue({
            code: 'custom',
            path: ['pipelines', index, 'repository', 'account'],
            message: `account "${pipeline.registry}" is not defined under accounts`,
          });
        pipeline.targets.forEach((target, at) => {
          if (unknownAccount(target.account))
            context.addIssue({
              code: 'custom',
              path: ['pipelines', index, 'targets', at, 'account'],
              message: `account "${target.account}" is not defined under accounts`,
            });
        });
        if (pipeline.team && !(pipeline.team in config.teams) && Object.keys(config.teams).length > 0) {
          context.addIssue({
            code: 'custom',
            path: ['pipelines', index, 'team'],
            message: `team "${pipeline.team}" is not defined under teams`,
          });
        }
      });
      // Approval requests go to the owning team: it needs a Slack destination and the `promotion` trigger.
      const hasSlack = (team: string | undefined) => {
        const owner = config.teams[team ?? config.notifications.defaultTeam ?? ''];
        return Boolean(owner?.slack && owner.notify.includes('promotion'));
      };
      for (const issue of promotionIssues(config.pipelines, hasSlack))
        context.addIssue({
          code: 'custom',
          path: ['pipelines', issue.index, ...issue.path],
          message: issue.message,
        });
      const places = new Map<string, string>();
      for (const [key, account] of Object.entries(config.accounts)) {
        const place = `${account.id}/${account.region}`;
        const other = places.get(place);
        if (other)
          context.addIssue({
            code: 'custom',
            path: ['accounts', key],
            message: `the same account and Region as "${other}": events could not tell them apart`,
          });
        places.set(place, key);
      }
      const fallback = config.notifications.defaultTeam;
      if (fallback && !(fallback in config.teams)) {
        context.addIssue({
          code: 'custom',
          path: ['notifications', 'defaultTeam'],
          message: `team "${fallback}" is not defined under teams`,
        });
      }
    }),
  );

export type DeckhandConfig = z.infer<typeof configSchema>;
export type PipelineConfig = DeckhandConfig['pipelines'][number];
export type TargetConfig = PipelineConfig['targets'][number];

/**
 * The schema's verdict alone, or a ConfigError whose issues name each bad key's path: what the functions
 * check their bundled copy with (bundled-config.ts).
 */
export const parseConfigShape = (raw: unknown, source: string): DeckhandConfig => {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error), { cause: result.error });
  return result.data;
};

/**
 * Validates parsed YAML/JSON as people write it (the CLI, `cdk synth`); throws ConfigError whose issues name
 * each bad key's path. Once the shape is right, the tag policies, crons and rule IDs are checked too.
 */
export const parseConfig = (raw: unknown, source: string): DeckhandConfig => {
  const config = parseConfigShape(raw, source);
  const issues = parserIssues(config);
  if (issues.length > 0) throw new ConfigError(source, issues);
  return config;
};

export interface MatchedPipeline {
  pipeline: PipelineConfig;
  policy: TagPolicy;
}

/** Pipelines that track this repository in the registry at `place`, and whose tag policy accepts this tag. */
export const matchingPipelines = (
  deps: SiteDeps & { config: DeckhandConfig },
  place: Home,
  repository: string,
  tag: string,
): MatchedPipeline[] =>
  deps.config.pipelines
    .filter((pipeline) => pipeline.repository === repository)
    .filter((pipeline) => {
      const registry = placeOf(deps, registryOf(deps, pipeline));
      return registry.account === place.account && registry.region === place.region;
    })
    .map((pipeline) => ({ pipeline, policy: parseTagPolicy(pipeline.tags) }))
    .filter(({ policy }) => policy.matches(tag));

export const configJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });

/** Pipelines that deploy to this service at this site (cluster by name or ARN). */
export const pipelinesForService = (
  deps: SiteDeps & { config: DeckhandConfig },
  site: Site | undefined,
  cluster: string,
  service: string,
): PipelineConfig[] =>
  deps.config.pipelines.filter((pipeline) =>
    pipeline.targets.some(
      (target) =>
        resourceName(target.cluster) === resourceName(cluster) &&
        target.service === service &&
        sameSite(siteOfTarget(deps, target), site),
    ),
  );
