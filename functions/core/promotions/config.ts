/** `promote:` on a pipeline, and the checks across pipelines it needs (unknown source, cycles, approvers). */
import * as z from '../zod.ts';
import { durationPattern, parseDuration } from '../rollouts/duration.ts';

const duration = z.string().check(
  z.refine((text) => durationPattern.test(text.trim()) && (parseDuration(text) ?? 0) > 0, {
    message: 'a duration like "30m" or "24h"',
  }),
);

export const promoteSchema = z
  .strictObject({
    from: z
      .string()
      .check(z.trim(), z.minLength(1), z.describe('The pipeline whose deployed digest this one takes')),
    after: z
      .optional(duration)
      .check(z.describe('How long the source rollout must stay healthy first; default: the source’s bake')),
    approval: z.optional(
      z.strictObject({
        approvers: z
          .array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user ID, e.g. U012ABCDEF')))
          .check(z.minLength(1), z.describe('Who may approve or decline')),
        required: z
          ._default(z.number().check(z.int(), z.gte(1)), 1)
          .check(z.describe('Distinct approvers needed')),
        expires: z._default(duration, '24h').check(z.describe('An unanswered request lapses after this')),
      }),
    ),
  })
  .check(z.describe('Promote the digest another pipeline proved, instead of tracking a repository'));

interface PipelineLike {
  name: string;
  repository?: string | undefined;
  team?: string | undefined;
  promote?: z.infer<typeof promoteSchema> | undefined;
}

export interface PromotionIssue {
  index: number;
  path: string[];
  message: string;
}

/** Every mistake in the pipelines' promotion chains, each with the key it belongs to. */
export const promotionIssues = (
  pipelines: readonly PipelineLike[],
  hasSlack: (team: string | undefined) => boolean,
): PromotionIssue[] => {
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  const issues: PromotionIssue[] = [];
  pipelines.forEach((pipeline, index) => {
    const { promote } = pipeline;
    if (!promote) {
      if (!pipeline.repository)
        issues.push({ index, path: ['repository'], message: 'required (or promote: { from: … })' });
      return;
    }
    if (pipeline.repository)
      issues.push({ index, path: ['repository'], message: 'a promote pipeline takes its image from `from`' });
    if (!byName.has(promote.from)) {
      issues.push({ index, path: ['promote', 'from'], message: `no pipeline named "${promote.from}"` });
      return;
    }
    const seen = new Set([pipeline.name]);
    for (let next = byName.get(promote.from); next; next = next.promote && byName.get(next.promote.from)) {
      if (seen.has(next.name)) {
        issues.push({ index, path: ['promote', 'from'], message: `promotion cycle through "${next.name}"` });
        break;
      }
      seen.add(next.name);
    }
    if (promote.approval && !hasSlack(pipeline.team))
      issues.push({
        index,
        path: ['promote', 'approval'],
        message:
          'approvers need a Slack destination: a team (or notifications.defaultTeam) with slack that is told `promotion`',
      });
    if (promote.approval && promote.approval.required > promote.approval.approvers.length)
      issues.push({
        index,
        path: ['promote', 'approval', 'required'],
        message: `needs ${promote.approval.required} approvers but lists ${promote.approval.approvers.length}`,
      });
  });
  return issues;
};
