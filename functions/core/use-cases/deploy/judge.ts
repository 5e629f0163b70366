/**
 * Judge (step 4a): the guardrails on each revision as it would be registered, at the `pre-deploy` point,
 * plus the digest's scan where the pipeline has a scan gate (IMG-003). A `block` failure holds the target
 * as `blocked`; a scan not yet complete holds it as `pending`.
 */
import { addFinding, evaluateTaskDefinition, notable } from '../../guardrails/engine.ts';
import { evaluateScanGate } from '../../guardrails/scan-gate.ts';
import type { Finding } from '../../guardrails/types.ts';
import type { DeployAction } from '../../outcome.ts';
import type { ScanRecord } from '../../ports/records.ts';
import { deployAction, type HeldTarget, type PlannedTarget, type Push } from './context.ts';
import type { Candidate } from './plan.ts';

export interface Verdicts {
  planned: PlannedTarget[];
  held: HeldTarget[];
  actions: DeployAction[];
}

const findingText = (f: Finding) => `${f.rule}${f.container ? ` (${f.container})` : ''}: ${f.message}`;

/** `scans`: the digest's scan, as prefetched when some pipeline gates on it. */
export const judge = async (
  push: Push,
  candidates: readonly Candidate[],
  scans: ReadonlyMap<string, ScanRecord>,
): Promise<Verdicts> => {
  const { config, clock } = push.deps;
  const verdicts: Verdicts = { planned: [], held: [], actions: [] };
  const scan = candidates.some((c) => c.pipeline.pipeline.scanGate) ? scans.get(push.digest) : undefined;
  const waitedMinutes = (clock.now().getTime() - Date.parse(push.pushedAt)) / 60_000;

  for (const candidate of candidates) {
    const { pipeline } = candidate.pipeline;
    const { input } = candidate.rewrite;
    const from = candidate.snapshot.taskDefinition;
    const report = await evaluateTaskDefinition(
      { ...input, taskDefinitionArn: from },
      candidate.tags,
      config.guardrails,
      {
        point: 'pre-deploy',
        cluster: candidate.cluster,
        ...(pipeline.guardrails ? { pipelineRules: pipeline.guardrails } : {}),
        subject: {
          cluster: candidate.cluster,
          service: candidate.service,
          family: input.family,
          images: input.containerDefinitions.map((c) => c.image ?? ''),
        },
        now: clock.now(),
      },
    );
    const gate = pipeline.scanGate;
    if (gate) addFinding(report, evaluateScanGate(scan, gate, waitedMinutes >= gate.timeoutMinutes));
    const findings = notable(report.findings);
    const extra = {
      from,
      ...(findings.length > 0 ? { findings } : {}),
      ...(report.expiredWaivers.length > 0 ? { expiredWaivers: report.expiredWaivers } : {}),
    };
    const pending = findings.find((f) => f.status === 'pending');
    if (report.blocked) {
      const failing = findings.filter((f) => f.status === 'fail' || f.status === 'error');
      verdicts.actions.push(
        deployAction(push, candidate, 'blocked', {
          ...extra,
          reason: `guardrails: ${failing.map(findingText).join('; ')}`,
        }),
      );
      verdicts.held.push({ target: candidate, status: 'blocked', findings, from });
    } else if (pending) {
      verdicts.actions.push(
        deployAction(push, candidate, 'pending', { ...extra, reason: `IMG-003: ${pending.message}` }),
      );
      verdicts.held.push({ target: candidate, status: 'pending', findings, from });
    } else {
      verdicts.planned.push({ ...candidate, findings });
    }
  }
  return verdicts;
};
