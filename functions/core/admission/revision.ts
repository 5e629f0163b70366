/**
 * PRE_SCALE_UP (and RECONCILE_SERVICE): may this revision take the service? The guardrails at the
 * `admission` point, the pipelines' freezes (a break-glass deploy of exactly this revision passes), and
 * their approvals (asked like a promotion's, in Slack or with `deckhand approve`).
 */
import type { PipelineConfig } from '../config.ts';
import type { LifecycleHookInput } from '../events/lifecycle-hook.ts';
import { freezeOf } from '../freeze/active.ts';
import { evaluateService, evaluateTaskDefinition, notable } from '../guardrails/engine.ts';
import type { Finding } from '../guardrails/types.ts';
import { digestOf, pinnedImage } from '../image-ref.ts';
import type { ServiceRevisionSnapshot } from '../ports/ecs-deployments.ts';
import type { Promotion } from '../ports/records.ts';
import { admissionSource, promotionAction } from '../promotions/actions.ts';
import { repositoryOf } from '../promotions/start.ts';
import { parseDuration } from '../rollouts/duration.ts';
import type { AdmissionDeps, Decision } from '../use-cases/admit-deployment.ts';
import type { Site } from '../sites.ts';

interface Target {
  cluster: string;
  service: string;
  site: Site | undefined;
  serviceKey: string;
  pipelines: PipelineConfig[];
}

const findingText = (f: Finding) => `${f.rule}${f.container ? ` (${f.container})` : ''}: ${f.message}`;

/** The digest the revision runs: what ECS resolved, else a digest pinned in the task definition. */
const digestOfRevision = (revision: ServiceRevisionSnapshot, images: readonly string[]): string | undefined =>
  revision.containerImages.find((c) => c.imageDigest)?.imageDigest ??
  images.map((image) => digestOf(image)).find((digest) => digest !== undefined);

/** An approval for (pipeline, digest): asked now if nobody asked yet. */
const approvalOf = async (
  pipeline: PipelineConfig,
  digest: string,
  images: readonly string[],
  deps: AdmissionDeps,
): Promise<Decision | undefined> => {
  const approval = pipeline.promote?.approval;
  if (!approval) return undefined;
  const existing = await deps.ledger.promotions.get(pipeline.name, digest);
  const name = `${pipeline.name} ${digest}`;
  if (existing?.status === 'approved' || existing?.status === 'promoted') {
    // The approval is used up by this deployment: the timers have nothing to deploy for it.
    if (existing.status === 'approved')
      await deps.ledger.promotions.transition(pipeline.name, digest, ['approved'], {
        status: 'promoted',
        updatedAt: deps.clock.now().toISOString(),
      });
    return {
      hookStatus: 'SUCCEEDED',
      pipeline: pipeline.name,
      reason: `approved by ${existing.decidedBy ?? 'its approvers'}`,
    };
  }
  if (existing && existing.status !== 'waiting' && existing.status !== 'awaiting-approval')
    return {
      hookStatus: 'FAILED',
      pipeline: pipeline.name,
      reason: `approval for ${name} ${existing.status}`,
    };
  if (existing)
    return {
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
      pipeline: pipeline.name,
      reason: `waiting for approval of ${name}`,
    };
  const now = deps.clock.now();
  const image = images.find((i) => i.endsWith(`@${digest}`)) ?? '';
  const promotion: Promotion = {
    pipeline: pipeline.name,
    source: admissionSource,
    digest,
    tag: image.slice(image.lastIndexOf('/') + 1, image.indexOf('@')) || digest.slice(7, 19),
    repository: repositoryOf(deps.config, pipeline.name) ?? '',
    repositoryUri: image.slice(0, image.lastIndexOf('@')),
    pushedAt: now.toISOString(),
    status: 'awaiting-approval',
    approvals: [],
    expiresAt: new Date(now.getTime() + (parseDuration(approval.expires) ?? 0)).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.ledger.promotions.create(promotion);
  return {
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 60,
    pipeline: pipeline.name,
    reason: `asked ${approval.approvers.join(', ')} to approve ${name}`,
    promotion: {
      kind: 'promotion',
      eventId: `admission:${pipeline.name}:${digest}`,
      detailType: 'Deckhand Admission Approval',
      outcome: 'awaiting-approval',
      actions: [
        promotionAction(promotion, deps.config, 'awaiting-approval', {
          image: pinnedImage(promotion.repositoryUri, digest),
        }),
      ],
    },
  };
};

export const admitRevision = async (
  hook: LifecycleHookInput,
  target: Target,
  deps: AdmissionDeps,
): Promise<Decision> => {
  const revision = await deps.deployments.describeServiceRevision(
    hook.executionDetails.targetServiceRevisionArn,
    target.site,
  );
  if (!revision)
    return {
      hookStatus: 'FAILED',
      reason: `service revision ${hook.executionDetails.targetServiceRevisionArn} not found`,
    };
  const { taskDefinition, tags } = await deps.ecs.describeTaskDefinition(
    revision.taskDefinition,
    target.site,
  );
  const snapshot = (await deps.ecs.describeServices(target.cluster, [target.service], target.site)).get(
    target.service,
  );
  const images = (taskDefinition.containerDefinitions ?? []).map((c) => c.image ?? '');
  const now = deps.clock.now();
  const [pipeline] = target.pipelines;
  const subject = {
    cluster: target.cluster,
    service: target.service,
    family: taskDefinition.family ?? '',
    images,
  };
  const scope = {
    point: 'admission' as const,
    cluster: target.cluster,
    ...(pipeline?.guardrails ? { pipelineRules: pipeline.guardrails } : {}),
    subject,
    now,
  };
  const reports = [
    await evaluateTaskDefinition(taskDefinition, tags, deps.config.guardrails, scope),
    ...(snapshot ? [evaluateService(snapshot.shape, deps.config.guardrails, scope)] : []),
  ];
  const findings = reports.flatMap((r) => notable(r.findings));
  const base = {
    taskDefinition: revision.taskDefinition,
    ...(findings.length > 0 ? { findings } : {}),
    ...(pipeline ? { pipeline: pipeline.name } : {}),
  };
  if (reports.some((r) => r.blocked)) {
    const failing = findings.filter((f) => f.status === 'fail' || f.status === 'error');
    return { ...base, hookStatus: 'FAILED', reason: `guardrails: ${failing.map(findingText).join('; ')}` };
  }

  const adHoc = await deps.ledger.freezes.list();
  for (const p of target.pipelines) {
    const freeze = freezeOf(deps.config, p, adHoc, now);
    if (!freeze) continue;
    const history = await deps.ledger.rollouts.list(target.serviceKey);
    const brokeGlass = history.some(
      (r) => r.toTaskDefinition === revision.taskDefinition && r.reason?.startsWith('break-glass'),
    );
    if (!brokeGlass)
      return {
        ...base,
        hookStatus: 'FAILED',
        reason: `${p.name} frozen until ${freeze.until.toISOString()}: ${freeze.reason}`,
      };
  }

  const digest = digestOfRevision(revision, images);
  const approvals: string[] = [];
  for (const p of target.pipelines) {
    const decision = digest ? await approvalOf(p, digest, images, deps) : undefined;
    if (decision && decision.hookStatus !== 'SUCCEEDED') return { ...base, ...decision };
    if (decision) approvals.push(decision.reason);
    if (!digest && p.promote?.approval)
      return {
        ...base,
        hookStatus: 'FAILED',
        reason: `${p.name} needs an approval, and the revision pins no digest to approve`,
      };
  }
  const told = findings.length > 0 ? `${findings.length} finding(s) to tell` : 'guardrails pass';
  return { ...base, hookStatus: 'SUCCEEDED', reason: `admitted: ${[...approvals, told].join('; ')}` };
};
