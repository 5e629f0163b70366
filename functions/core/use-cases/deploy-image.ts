/**
 * Deploy on image push: ECR "ECR Image Action" (PUSH, SUCCESS) → the matching ECS services run the image,
 * pinned by digest.
 *
 * Primary course:
 *  1. Ignore anything but a successful PUSH with a tag; find the pipelines whose repository and tag policy match.
 *  2. Read every target service (DescribeServices, batched per cluster) and the ledger's head for it.
 *  3. Skip targets paused after a rollback, already running the digest, or whose head is a newer image
 *     (newest wins).
 *  4. Read each current task definition with its tags, and rewrite it: only the targeted containers' images
 *     change, to `<repository-uri>@<digest>`.
 *  4a. Judge the would-be revision against the guardrails (pre-deploy point) and, where the pipeline has a
 *     scan gate, the digest's scan (IMG-003). A `block` failure stops that target (`blocked`, recorded with
 *     its findings); a scan not yet complete parks it (`pending`) until the scan event resumes the push.
 *  5. Claim (service, digest) in the ledger, so a duplicate delivery does nothing.
 *  6. Register once per (current revision, containers) group, reusing a registration an earlier attempt made.
 *  7. Under a per-service lock, re-check newest-wins, UpdateService, and advance the head.
 *  8. Record the rollout as `rolling` with the deployment id; later events move it on.
 *
 * Alternate courses: `dryRun` stops after step 4 with outcome `planned`; a target the config names but AWS
 * lacks fails alone with a reason; transient AWS failures are thrown, so the event is retried and then
 * dead-lettered, and the retry resumes from the ledger.
 */
import { logger } from '#commons/powertools.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import {
  type DeckhandConfig,
  type MatchedPipeline,
  matchingPipelines,
  type TargetConfig,
} from '../config.ts';
import { errorMessage, LockBusyError, TargetError, TransientError } from '../errors.ts';
import { type EcrImagePush, ecrImageActionSchema, ecrImagePushSchema } from '../events/ecr.ts';
import { parseEvent } from '../events/parse-event.ts';
import { pinnedImage, repositoryUri } from '../image-ref.ts';
import { type Outcome, rejected } from '../outcome.ts';
import { addFinding, evaluateTaskDefinition, notable } from '../guardrails/engine.ts';
import { evaluateScanGate, type ScanRecord } from '../guardrails/scan-gate.ts';
import type { Finding } from '../guardrails/types.ts';
import type { Clock, EcsPort, LedgerPort, RolloutRecord, ServiceHead, ServiceSnapshot } from '../ports.ts';
import { familyRevision, type Rewrite, rewriteTaskDefinition } from '../task-definition.ts';

export type ActionStatus =
  'deployed' | 'planned' | 'unchanged' | 'superseded' | 'paused' | 'blocked' | 'pending' | 'failed';

export interface DeployAction {
  pipeline: string;
  cluster: string;
  service: string;
  from?: string;
  to?: string;
  image: string;
  tag: string;
  status: ActionStatus;
  reason?: string;
  deploymentId?: string;
  /** Guardrail findings worth telling: failures, warnings, errors, a pending scan. */
  findings?: Finding[];
  /** Waivers that would have applied but expired. */
  expiredWaivers?: string[];
}

export type DeployOutcome = Outcome<DeployAction>;

export interface DeployDeps {
  config: DeckhandConfig;
  ecs: EcsPort;
  ledger: LedgerPort;
  clock: Clock;
  dryRun?: boolean;
  /** Parallel services per push; ECS's own rate limits are enforced by the adapter. */
  concurrency?: number;
}

interface Target {
  pipeline: MatchedPipeline;
  config: TargetConfig;
  cluster: string;
  service: string;
  serviceKey: string;
}

interface PlannedTarget extends Target {
  snapshot: ServiceSnapshot;
  rewrite: Rewrite;
  head: ServiceHead | undefined;
  findings: Finding[];
}

const lockLeaseMs = 60_000;
/** Longer than the image-push Lambda's timeout, so a live delivery is never taken over. */
const claimLeaseMs = 6 * 60_000;
const lockAttempts = 8;

/** Cluster names are the ledger's key; a configured ARN is reduced to its name. */
const clusterName = (cluster: string): string => cluster.slice(cluster.lastIndexOf('/') + 1);

export const serviceKeyOf = (cluster: string, service: string): string =>
  `${clusterName(cluster)}/${service}`;

/** True when `head` is a newer image than this push, by the tag policy's order, else by push time. */
const headIsNewer = (head: ServiceHead, policy: MatchedPipeline, tag: string, pushedAt: string): boolean => {
  if (head.pipeline === policy.pipeline.name) {
    const order = policy.policy.compare(tag, head.tag);
    if (order !== undefined) return order < 0;
  }
  return pushedAt < head.pushedAt;
};

const ignored = (event: { id: string; 'detail-type': string }, reason: string): DeployOutcome => {
  logger.info('push ignored', { eventId: event.id, reason });
  return { eventId: event.id, detailType: event['detail-type'], outcome: 'ignored', actions: [], reason };
};

const overall = (actions: DeployAction[], dryRun: boolean): Pick<DeployOutcome, 'outcome' | 'reason'> => {
  if (actions.some((action) => action.status === 'failed')) {
    const failed = actions.filter((action) => action.status === 'failed');
    return {
      outcome: 'failed',
      reason: failed.map((a) => `${a.cluster}/${a.service}: ${a.reason}`).join('; '),
    };
  }
  for (const kind of ['blocked', 'pending'] as const) {
    const held = actions.filter((action) => action.status === kind);
    if (held.length > 0) {
      return { outcome: kind, reason: held.map((a) => `${a.cluster}/${a.service}: ${a.reason}`).join('; ') };
    }
  }
  if (actions.some((action) => action.status === 'deployed')) return { outcome: 'deployed' };
  if (dryRun && actions.some((action) => action.status === 'planned')) return { outcome: 'planned' };
  return {
    outcome: 'ignored',
    reason: [...new Set(actions.map((a) => a.reason))].join('; ') || 'nothing to do',
  };
};

/** Routes an ECR Image Action: only a well-formed successful PUSH reaches deployImage. */
export const handleImageAction = async (input: unknown, deps: DeployDeps): Promise<DeployOutcome> => {
  const action = parseEvent(ecrImageActionSchema, input);
  if (!action.ok) return rejected(input, action.error);
  const { detail } = action.event;
  if (detail['action-type'] !== 'PUSH')
    return ignored(action.event, `action ${detail['action-type']} is not a push`);
  if (detail.result !== 'SUCCESS') return ignored(action.event, `push result ${detail.result}`);
  const push = parseEvent(ecrImagePushSchema, input);
  if (!push.ok) return rejected(input, push.error);
  return deployImage(push.event, deps);
};

export const deployImage = async (event: EcrImagePush, deps: DeployDeps): Promise<DeployOutcome> => {
  const { config, ecs, ledger, clock, dryRun = false, concurrency = 5 } = deps;
  const detail = event.detail;
  const tag = detail['image-tag'];
  if (!tag) return ignored(event, 'pushed by digest without a tag');
  const matched = matchingPipelines(config, detail['repository-name'], tag);
  if (matched.length === 0) return ignored(event, `no pipeline tracks ${detail['repository-name']}:${tag}`);

  const digest = detail['image-digest'];
  const uri = repositoryUri(event.account, event.region, detail['repository-name']);
  const image = pinnedImage(uri, digest);
  const pushedAt = event.time;
  const targets: Target[] = matched.flatMap((pipeline) =>
    pipeline.pipeline.targets.map((target) => ({
      pipeline,
      config: target,
      cluster: target.cluster,
      service: target.service,
      serviceKey: serviceKeyOf(target.cluster, target.service),
    })),
  );
  const action = (target: Target, status: ActionStatus, extra: Partial<DeployAction> = {}): DeployAction => ({
    pipeline: target.pipeline.pipeline.name,
    cluster: target.cluster,
    service: target.service,
    image,
    tag,
    status,
    ...extra,
  });

  // Step 4a needs the digest's scan once, for pipelines with a gate.
  const scan: ScanRecord | undefined = matched.some((m) => m.pipeline.scanGate)
    ? await ledger.getScan(digest)
    : undefined;
  const waitedMinutes = (clock.now().getTime() - Date.parse(pushedAt)) / 60_000;

  // Step 2: services, batched per cluster.
  const snapshots = new Map<string, ServiceSnapshot>();
  const byCluster = Map.groupBy(targets, (target) => target.cluster);
  for (const [cluster, members] of byCluster) {
    const found = await ecs.describeServices(cluster, [...new Set(members.map((m) => m.service))]);
    for (const [name, snapshot] of found) snapshots.set(serviceKeyOf(cluster, name), snapshot);
  }

  // Steps 3-4: decide per target.
  const actions: DeployAction[] = [];
  const planned: PlannedTarget[] = [];
  const held: { target: Target; status: 'blocked' | 'pending'; findings: Finding[] }[] = [];
  const describeCache = new Map<string, ReturnType<EcsPort['describeTaskDefinition']>>();
  await mapWithConcurrency(targets, concurrency, async (target) => {
    const snapshot = snapshots.get(target.serviceKey);
    if (!snapshot) {
      actions.push(
        action(target, 'failed', {
          reason: `service ${target.service} not found in cluster ${target.cluster}`,
        }),
      );
      return;
    }
    const pause = await ledger.getPause(target.serviceKey);
    if (pause && pause.pipeline === target.pipeline.pipeline.name) {
      actions.push(
        action(target, 'paused', {
          from: snapshot.taskDefinition,
          reason: `automation paused since ${pause.pausedAt} (${pause.reason}); run \`deckhand resume ${pause.pipeline}\``,
        }),
      );
      return;
    }
    const head = await ledger.getHead(target.serviceKey);
    if (head && head.digest !== digest && headIsNewer(head, target.pipeline, tag, pushedAt)) {
      actions.push(
        action(target, 'superseded', {
          from: snapshot.taskDefinition,
          reason: `newer ${head.tag} already deployed`,
        }),
      );
      return;
    }
    let described = describeCache.get(snapshot.taskDefinition);
    if (!described) {
      described = ecs.describeTaskDefinition(snapshot.taskDefinition);
      describeCache.set(snapshot.taskDefinition, described);
    }
    try {
      const current = await described;
      const rewrite = rewriteTaskDefinition(current.taskDefinition, current.tags, {
        repositoryUri: uri,
        digest,
        containers: target.config.containers,
      });
      if (rewrite.unknownFields.length > 0) {
        logger.warn('task definition has fields Deckhand cannot register', {
          taskDefinition: snapshot.taskDefinition,
          fields: rewrite.unknownFields,
        });
      }
      if (rewrite.changedContainers.length === 0) {
        actions.push(
          action(target, 'unchanged', { from: snapshot.taskDefinition, reason: `already running ${digest}` }),
        );
        return;
      }
      // Step 4a: guardrails on the revision as it would be registered.
      const report = await evaluateTaskDefinition(
        { ...rewrite.input, taskDefinitionArn: snapshot.taskDefinition },
        current.tags,
        config.guardrails,
        {
          point: 'pre-deploy',
          cluster: target.cluster,
          ...(target.pipeline.pipeline.guardrails
            ? { pipelineRules: target.pipeline.pipeline.guardrails }
            : {}),
          subject: {
            cluster: target.cluster,
            service: target.service,
            family: rewrite.input.family,
            images: rewrite.input.containerDefinitions.map((c) => c.image ?? ''),
          },
          now: clock.now(),
        },
      );
      const gate = target.pipeline.pipeline.scanGate;
      if (gate) addFinding(report, evaluateScanGate(scan, gate, waitedMinutes >= gate.timeoutMinutes));
      const findings = notable(report.findings);
      const extra = {
        from: snapshot.taskDefinition,
        ...(findings.length > 0 ? { findings } : {}),
        ...(report.expiredWaivers.length > 0 ? { expiredWaivers: report.expiredWaivers } : {}),
      };
      if (report.blocked) {
        const failing = findings.filter((f) => f.status === 'fail' || f.status === 'error');
        actions.push(
          action(target, 'blocked', {
            ...extra,
            reason: `guardrails: ${failing.map((f) => `${f.rule}${f.container ? ` (${f.container})` : ''}: ${f.message}`).join('; ')}`,
          }),
        );
        held.push({ target, status: 'blocked', findings });
        return;
      }
      const pending = findings.find((f) => f.status === 'pending');
      if (pending) {
        actions.push(action(target, 'pending', { ...extra, reason: `IMG-003: ${pending.message}` }));
        held.push({ target, status: 'pending', findings });
        return;
      }
      planned.push({ ...target, snapshot, rewrite, head, findings });
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      actions.push(action(target, 'failed', { from: snapshot.taskDefinition, reason: error.message }));
    }
  });

  if (dryRun) {
    for (const target of planned) {
      actions.push(
        action(target, 'planned', {
          from: target.snapshot.taskDefinition,
          to: `${target.rewrite.input.family}:(new)`,
        }),
      );
    }
    return finish(event, actions, true);
  }

  const rolloutRecord = (
    target: Target,
    extra: Pick<RolloutRecord, 'status' | 'fromTaskDefinition'> & Partial<RolloutRecord>,
  ): RolloutRecord => {
    const now = clock.now().toISOString();
    return {
      serviceKey: target.serviceKey,
      cluster: target.cluster,
      service: target.service,
      digest,
      tag,
      pipeline: target.pipeline.pipeline.name,
      eventId: event.id,
      pushedAt,
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
  };

  // Record what the guardrails held back; a pending push waits for its digest's scan event.
  for (const { target, status, findings } of held) {
    await ledger.claimRollout(
      rolloutRecord(target, {
        status,
        fromTaskDefinition: snapshots.get(target.serviceKey)?.taskDefinition ?? '',
        findings,
      }),
    );
  }
  if (held.some((h) => h.status === 'pending')) await ledger.addPendingDeploy(digest, event.id, event);

  // Step 5: claim (service, digest); a lost claim means another delivery owns this deploy.
  const claimed: PlannedTarget[] = [];
  for (const target of planned) {
    const result = await ledger.claimRollout(
      rolloutRecord(target, {
        status: 'claimed',
        fromTaskDefinition: target.snapshot.taskDefinition,
        desiredCount: target.snapshot.desiredCount,
        leaseUntil: new Date(clock.now().getTime() + claimLeaseMs).toISOString(),
      }),
    );
    if (result.claimed) {
      claimed.push(target);
    } else if (result.busy) {
      await releaseClaims(claimed, digest, deps);
      throw new TransientError(
        `${target.serviceKey}: event ${event.id} is being handled by another delivery`,
      );
    } else if (result.existing.eventId === event.id && result.existing.toTaskDefinition) {
      // A retry of this event after a partial failure: this service was already done by the first attempt.
      actions.push(
        action(target, 'deployed', {
          from: result.existing.fromTaskDefinition,
          to: result.existing.toTaskDefinition,
          ...(result.existing.deploymentId ? { deploymentId: result.existing.deploymentId } : {}),
        }),
      );
    } else {
      actions.push(
        action(target, 'unchanged', {
          from: target.snapshot.taskDefinition,
          to: result.existing.toTaskDefinition,
          reason: `already deployed by event ${result.existing.eventId}`,
        }),
      );
    }
  }

  try {
    return await registerAndRoll(event, claimed, { digest, tag, pushedAt, deps, actions, action });
  } catch (error) {
    // Hand the claims back, so EventBridge's retry of this event resumes now rather than after the lease.
    await releaseClaims(claimed, digest, deps);
    throw error;
  }
};

interface RegisterContext {
  digest: string;
  tag: string;
  pushedAt: string;
  deps: DeployDeps;
  actions: DeployAction[];
  action: (target: Target, status: ActionStatus, extra?: Partial<DeployAction>) => DeployAction;
}

const registerAndRoll = async (
  event: EcrImagePush,
  claimed: PlannedTarget[],
  context: RegisterContext,
): Promise<DeployOutcome> => {
  const { digest, tag, pushedAt, deps, actions, action } = context;
  const { ecs, ledger, clock, concurrency = 5 } = deps;
  // Step 6: one registration per (current revision, targeted containers).
  const groups = Map.groupBy(
    claimed,
    (target) =>
      `${familyRevision(target.snapshot.taskDefinition)}#${digest}#${[...target.rewrite.targetedContainers].sort().join(',')}`,
  );
  const registered = new Map<string, string>();
  for (const [key, members] of groups) {
    // A retry, or another event with the same digest, reuses the revision an earlier attempt registered.
    let arn = await ledger.getRegistration(key);
    if (!arn) {
      const first = members[0] as PlannedTarget;
      arn = (await ecs.registerTaskDefinition(first.rewrite.input)).taskDefinitionArn;
      await ledger.putRegistration(key, arn);
      logger.info('task definition registered', {
        taskDefinition: arn,
        services: members.map((m) => m.serviceKey),
        digest,
      });
    }
    for (const member of members) {
      registered.set(member.serviceKey, arn);
      await ledger.updateRollout(member.serviceKey, digest, {
        status: 'registered',
        toTaskDefinition: arn,
        updatedAt: clock.now().toISOString(),
      });
    }
  }

  // Steps 7-8: roll each service under its lock.
  const rolled = await mapWithConcurrency(claimed, concurrency, async (target) => {
    const to = registered.get(target.serviceKey) as string;
    return rollService(target, to, { event, digest, tag, pushedAt, deps });
  });
  actions.push(
    ...rolled.map((result) =>
      action(result.target, result.status, {
        ...result.extra,
        ...(result.target.findings.length > 0 ? { findings: result.target.findings } : {}),
      }),
    ),
  );
  return finish(event, actions, false);
};

const releaseClaims = async (claimed: PlannedTarget[], digest: string, deps: DeployDeps): Promise<void> => {
  const now = deps.clock.now().toISOString();
  for (const target of claimed) {
    try {
      const record = await deps.ledger.getRollout(target.serviceKey, digest);
      if (record && (record.status === 'claimed' || record.status === 'registered')) {
        await deps.ledger.updateRollout(target.serviceKey, digest, { leaseUntil: now, updatedAt: now });
      }
    } catch (error) {
      // Best effort: the lease still runs out on its own.
      logger.warn('claim not released', { serviceKey: target.serviceKey, error: errorMessage(error) });
    }
  }
};

interface RollContext {
  event: EcrImagePush;
  digest: string;
  tag: string;
  pushedAt: string;
  deps: DeployDeps;
}

const rollService = async (
  target: PlannedTarget,
  to: string,
  context: RollContext,
): Promise<{ target: PlannedTarget; status: ActionStatus; extra: Partial<DeployAction> }> => {
  const { event, digest, tag, pushedAt, deps } = context;
  const { ledger, ecs, clock } = deps;
  const owner = `${event.id}#${digest}`;
  let locked = false;
  for (let attempt = 0; attempt < lockAttempts && !locked; attempt += 1) {
    locked = await ledger.acquireLock(target.serviceKey, owner, lockLeaseMs);
    if (!locked) await clock.sleep(Math.min(2000, 100 * 2 ** attempt));
  }
  if (!locked) throw new LockBusyError(`service ${target.serviceKey} is locked by another deploy`);
  try {
    const head = await ledger.getHead(target.serviceKey);
    if (head && head.digest !== digest && headIsNewer(head, target.pipeline, tag, pushedAt)) {
      await ledger.updateRollout(target.serviceKey, digest, {
        status: 'superseded',
        reason: `newer ${head.tag} deployed by event ${head.eventId}`,
        updatedAt: clock.now().toISOString(),
      });
      return {
        target,
        status: 'superseded',
        extra: { from: target.snapshot.taskDefinition, reason: `newer ${head.tag} already deployed` },
      };
    }
    const { deploymentId } = await ecs.updateService(target.cluster, target.service, to);
    const now = clock.now().toISOString();
    const written = await ledger.putHead(
      {
        serviceKey: target.serviceKey,
        digest,
        tag,
        pipeline: target.pipeline.pipeline.name,
        pushedAt,
        eventId: event.id,
        taskDefinition: to,
        version: (head?.version ?? 0) + 1,
        updatedAt: now,
      },
      head?.version,
    );
    if (!written) throw new LockBusyError(`head of ${target.serviceKey} changed while locked`);
    await ledger.updateRollout(target.serviceKey, digest, {
      status: 'rolling',
      toTaskDefinition: to,
      ...(deploymentId ? { deploymentId } : {}),
      updatedAt: now,
    });
    logger.info('service updated', {
      serviceKey: target.serviceKey,
      taskDefinition: to,
      digest,
      deploymentId,
    });
    return {
      target,
      status: 'deployed',
      extra: { from: target.snapshot.taskDefinition, to, ...(deploymentId ? { deploymentId } : {}) },
    };
  } catch (error) {
    if (error instanceof TargetError) {
      await ledger.updateRollout(target.serviceKey, digest, {
        status: 'failed',
        reason: error.message,
        updatedAt: clock.now().toISOString(),
      });
      return {
        target,
        status: 'failed',
        extra: { from: target.snapshot.taskDefinition, reason: errorMessage(error) },
      };
    }
    throw error;
  } finally {
    await ledger.releaseLock(target.serviceKey, owner);
  }
};

const finish = (event: EcrImagePush, actions: DeployAction[], dryRun: boolean): DeployOutcome => {
  const summary = overall(actions, dryRun);
  const outcome: DeployOutcome = { eventId: event.id, detailType: event['detail-type'], actions, ...summary };
  logger.info('push handled', { eventId: event.id, outcome: outcome.outcome, actions });
  return outcome;
};
