/** Deckhand's configuration: the schema (zod), validation with key paths, and pipeline look-ups. */
import * as z from 'zod';
import { admissionSchema } from './admission/config.ts';
import { resourceName } from './arn.ts';
import { type Home, placeOf, registryOf, sameSite, type Site, type SiteDeps, siteOfTarget } from './sites.ts';
import { ConfigError } from './errors.ts';
import { guardrailsSchema, ruleSettingsSchema } from './guardrails/policy.ts';
import { freezeWindowsSchema } from './freeze/schema.ts';
import { promoteSchema, promotionIssues } from './promotions/config.ts';
import { durationPattern, parseDuration } from './rollouts/duration.ts';
import { parseTagPolicy, type TagPolicy, TagPolicyError } from './tag-policy.ts';
import { formatIssues } from './zod-issues.ts';

const name = z.string().trim().min(1);

export const accountSchema = z
  .strictObject({
    id: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account ID'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS Region, e.g. eu-west-1'),
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name')
      .default('deckhand-deploy')
      .describe('The role Deckhand assumes there (the spoke stack creates it)'),
  })
  .describe('An AWS account and Region Deckhand acts in, besides its own');

export const targetSchema = z
  .strictObject({
    account: name.optional().describe('A key of `accounts`; default: the hub’s own account and Region'),
    cluster: name.describe('ECS cluster name or ARN'),
    service: name.describe('ECS service name'),
    containers: z
      .array(name)
      .min(1)
      .optional()
      .describe('Containers to update; default: every container whose image is in the repository'),
  })
  .describe('An ECS service the pipeline deploys to');

const duration = z
  .string()
  .refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? 0) > 0, {
    message: 'a duration like "90s", "10m" or "1h"',
  });

const crashLoopSchema = z.strictObject({
  stops: z.number().int().min(1).default(3).describe('Failing task stops that make a crash loop'),
  window: duration.default('10m').describe('…within this window'),
});

const severityCounts = z.partialRecord(
  z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']),
  z.number().int().min(1),
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
  .regex(/^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:.+/, 'a Secrets Manager secret ARN');

const teamSchema = z.strictObject({
  slack: z
    .union([
      z.strictObject({
        channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel ID, e.g. C0123456789'),
        botToken: secretArn.describe(
          'Secret holding the xoxb- bot token (Web API: messages update in place)',
        ),
      }),
      z.strictObject({
        webhook: secretArn.describe('Secret holding the incoming-webhook URL (one post per change)'),
      }),
    ])
    .optional(),
  notify: z
    .array(z.enum(notifyTriggers))
    .default([...notifyTriggers])
    .describe('What this team is told'),
});
export type TeamConfig = z.infer<typeof teamSchema>;

/** A promote pipeline takes its image, tag included, from `from`: a tag policy there would mean nothing. */
const promoteHasNoTags = (raw: unknown, context: z.RefinementCtx) => {
  if (raw && typeof raw === 'object' && 'promote' in raw && 'tags' in raw)
    context.addIssue({
      code: 'custom',
      path: ['tags'],
      message: 'a promote pipeline deploys what `from` proved',
    });
  return raw;
};

const pipelineObjectSchema = z
  .strictObject({
    name: name.regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').describe('Unique name'),
    repository: z
      .union([
        name,
        z.strictObject({
          account: name.describe('A key of `accounts`: the registry’s account and Region'),
          name: name.describe('ECR repository name'),
        }),
      ])
      .optional()
      .describe('ECR repository name in the hub’s own registry, e.g. "web", or { account, name }'),
    promote: promoteSchema.optional(),
    freeze: freezeWindowsSchema.describe('Freeze windows for this pipeline, besides the global ones'),
    tags: z
      .string()
      .min(1)
      .default('*')
      .describe('Tag policy: a glob (default), "semver:<range>" or "regex:<pattern>"'),
    targets: z.array(targetSchema).min(1),
    team: name.optional().describe('Team that owns the pipeline; routes notifications'),
    guardrails: ruleSettingsSchema.optional().describe('Rule modes for this pipeline, over the global ones'),
    scanGate: z
      .strictObject({
        block: severityCounts.default({ CRITICAL: 1 }),
        warn: severityCounts.default({ HIGH: 1 }),
        timeoutMinutes: z.number().int().positive().default(60),
        onTimeout: z.enum(['block', 'deploy']).default('block'),
      })
      .optional()
      .describe('IMG-003: wait for the scan of the digest and gate on its severity counts (at or above)'),
    bake: duration.default('10m').describe('After a rollout completes, alarms in this window roll it back'),
    alarms: z
      .union([
        z.array(name),
        z.strictObject({
          names: z.array(name).default([]),
          tags: z.record(z.string(), z.string()).default({}).describe('Alarms carrying all these tags'),
        }),
      ])
      .default([])
      .describe('CloudWatch alarms watching this pipeline’s services: names, or a tag selector'),
    crashLoop: crashLoopSchema.optional(),
    reconcile: z.boolean().default(false).describe('On drift, redeploy the revision Deckhand deployed'),
  })
  .superRefine((pipeline, context) => {
    try {
      parseTagPolicy(pipeline.tags);
    } catch (error) {
      if (!(error instanceof TagPolicyError)) throw error;
      context.addIssue({ code: 'custom', path: ['tags'], message: error.message });
    }
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

export const pipelineSchema = z.preprocess(promoteHasNoTags, pipelineObjectSchema.transform(splitRepository));

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    accounts: z
      .record(name, accountSchema)
      .default({})
      .describe('Spoke accounts and Regions by name (hub and spoke); targets and registries name them'),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'an AWS Organizations ID, e.g. o-a1b2c3d4e5')
      .optional()
      .describe('Admit every account of this organization to the hub’s event bus'),
    pipelines: z.array(pipelineSchema).default([]),
    guardrails: guardrailsSchema.default(guardrailsSchema.parse({})),
    teams: z.record(name, teamSchema).default({}),
    notifications: z
      .strictObject({
        defaultTeam: name.optional().describe('Team told about everything no team owns'),
        teamTag: name.default('deckhand:team').describe('ECS service tag naming the owning team'),
      })
      .default({ teamTag: 'deckhand:team' }),
    iam: z
      .strictObject({
        passRoles: z
          .array(z.string().regex(/^[\w+=,.@/*-]+$/, 'a role name, path or name prefix with *'))
          .min(1)
          .default(['*'])
          .describe(
            'Task and execution role names Deckhand may pass when it registers a revision, e.g. "web-*"',
          ),
      })
      .default({ passRoles: ['*'] }),
    drift: z
      .strictObject({
        interval: duration.default('15m').describe('How often the scheduled drift check runs'),
        stuckAfter: duration.default('30m').describe('A rolling deployment older than this is stuck'),
        desiredCount: z
          .boolean()
          .default(false)
          .describe('Report desiredCount changes (off: autoscaling changes it)'),
      })
      .default({ interval: '15m', stuckAfter: '30m', desiredCount: false }),
    rollouts: z
      .strictObject({ crashLoop: crashLoopSchema.default({ stops: 3, window: '10m' }) })
      .default({ crashLoop: { stops: 3, window: '10m' } }),
    freeze: freezeWindowsSchema.describe('Freeze windows for every pipeline'),
    admission: admissionSchema.describe('The deployment lifecycle hook (ECS admission)'),
    slack: z
      .strictObject({
        signingSecret: secretArn.describe(
          'Secret holding the Slack app’s signing secret (interactive endpoint)',
        ),
      })
      .optional(),
  })
  .superRefine((config, context) => {
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
  });

export type DeckhandConfig = z.infer<typeof configSchema>;
export type PipelineConfig = DeckhandConfig['pipelines'][number];
export type TargetConfig = PipelineConfig['targets'][number];

/** Validates parsed YAML/JSON; throws ConfigError whose issues name each bad key's path. */
export const parseConfig = (raw: unknown, source: string): DeckhandConfig => {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error), { cause: result.error });
  return result.data;
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
