/**
 * The CloudWatch dashboard's custom widget: live status as HTML, and its Resume, Approve and Decline buttons.
 *
 * Primary course:
 *  1. CloudWatch invokes the dashboard function with the widget's parameters and a `widgetContext` (account,
 *     dashboard, widget, theme, form values); IAM on lambda:InvokeFunction is the gate.
 *  2. A button's call carries its action's JSON as top-level fields: validate it (zod), then act through the
 *     same use cases as Slack and the CLI — resume the pipeline, or decide the promotion — as the console
 *     user, recorded `console:<account>` (and the name typed in the widget's form, if any).
 *  3. Answer the status view as HTML in the dashboard's theme, with what the action did on top.
 *
 * Alternate courses: `describe` answers the widget's documentation as markdown; a request without a
 * widgetContext, or an action whose parameters fail validation, is answered with the error naming the
 * field and changes nothing; a decision the ledger refuses (expired, closed, duplicate) is shown as such.
 * Failures reading or writing the ledger throw (the console shows the error; the user clicks again).
 */
import * as z from '../zod.ts';
import type { PromotionOutcome } from '../outcome.ts';
import type { Log } from '../ports/log.ts';
import { renderStatusWidget, renderWidgetError } from '../status/html-widget.ts';
import { loadStatusView, type StatusDeps } from '../status/load.ts';
import { formatIssues } from '../zod-issues.ts';
import { type DecideDeps, decidePromotion } from './decide-promotion.ts';
import { type ResumeDeps, resumePipeline } from './resume-pipeline.ts';

export type DashboardDeps = StatusDeps &
  DecideDeps &
  ResumeDeps & {
    /** The dashboard function's own ARN, where the buttons call back. */
    functionArn: string;
    log: Log;
  };

export interface WidgetAnswer {
  /** What CloudWatch displays: HTML, or `{ markdown }` for `describe`. */
  body: string | { markdown: string };
  /** A decision to tell the owning team about, as the Slack and CLI decisions are. */
  outcome?: PromotionOutcome;
}

const pipelineName = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,128}$/, 'a pipeline name'));
const decidable = z
  .string()
  .check(
    z.regex(
      /^([A-Za-z0-9._-]{1,128}|admission:[A-Za-z0-9._-]{1,255}\/[A-Za-z0-9._-]{1,255})$/,
      'a pipeline name',
    ),
  );
const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'an image digest (sha256:…)'));

export const widgetActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('resume'), pipeline: pipelineName }),
  z.strictObject({ action: z.enum(['approve', 'decline']), pipeline: decidable, digest }),
]);

const widgetContextSchema = z.looseObject({
  accountId: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit account id')),
  dashboardName: z.optional(z.string().check(z.maxLength(255))),
  widgetId: z.optional(z.string().check(z.maxLength(255))),
  theme: z.optional(z.string().check(z.maxLength(20))),
  forms: z.optional(z.looseObject({ all: z.optional(z.record(z.string(), z.unknown())) })),
});

const actorName = z
  .string()
  .check(z.trim(), z.regex(/^[A-Za-z0-9._@+-]{0,64}$/, 'letters, digits and . _ @ + - only, at most 64'));

export const widgetDocs = `## Deckhand status
Live status of every Deckhand pipeline: per target the running revision, the deployed tag and digest, the
last rollout and its state, pauses, freezes, drift; promotions waiting and approvals pending.

### Buttons
**Resume** a paused pipeline; **Approve** or **Decline** a promotion awaiting approval. Each acts as
\`console:<account id>\`, with the name typed in the widget if any. Who may press them is whoever IAM allows
to invoke this function.

### Parameters
Param | Description
---|---
**pipeline** | Show only this pipeline (optional)
`;

/** `widgetContext.accountId: a 12-digit account id; …`: each issue with the field it is about. */
const issuesOf = (field: string, error: z.core.$ZodError): string =>
  formatIssues(error)
    .map((line) =>
      line.startsWith('(root)') ? `${field}${line.slice('(root)'.length)}` : `${field}.${line}`,
    )
    .join('; ');

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a button's call sets, beside CloudWatch's own. */
const actionFields = (event: Json): Json | undefined => {
  if (!('action' in event)) return undefined;
  const { widgetContext: _context, describe: _describe, ...fields } = event;
  return fields;
};

export const answerWidget = async (event: unknown, deps: DashboardDeps): Promise<WidgetAnswer> => {
  const request = isObject(event) ? event : {};
  if (request.describe === true) return { body: { markdown: widgetDocs } };
  const context = widgetContextSchema.safeParse(request.widgetContext);
  if (!context.success) {
    const problem = issuesOf('widgetContext', context.error);
    deps.log.warn('dashboard request refused', { reason: problem });
    return { body: renderWidgetError(`Not a CloudWatch custom widget request: ${problem}`) };
  }
  const widget = context.data;
  const eventId = `${widget.dashboardName ?? '(dashboard)'}:${widget.widgetId ?? '(widget)'}`;
  const name = actorName.safeParse(widget.forms?.all?.actor ?? '');
  if (!name.success) {
    const problem = issuesOf('widgetContext.forms.all.actor', name.error);
    deps.log.warn('dashboard action refused', { eventId, reason: problem });
    return { body: renderWidgetError(`Nothing done: ${problem}`) };
  }
  const account = `console:${widget.accountId}`;
  const actor = name.data ? `${account}/${name.data}` : account;
  let notice: { text: string; kind: 'ok' | 'bad' } | undefined;
  let outcome: PromotionOutcome | undefined;

  const fields = actionFields(request);
  if (fields) {
    const parsed = widgetActionSchema.safeParse(fields);
    if (!parsed.success) {
      const problem = issuesOf('action', parsed.error);
      deps.log.warn('dashboard action refused', { eventId, reason: problem });
      notice = { text: `Nothing done: ${problem}`, kind: 'bad' };
    } else if (parsed.data.action === 'resume') {
      const { resumed } = await resumePipeline({ pipeline: parsed.data.pipeline, by: actor }, deps);
      notice =
        resumed.length > 0
          ? {
              text: `${actor} resumed ${parsed.data.pipeline} on ${resumed.map((p) => p.serviceKey).join(', ')}`,
              kind: 'ok',
            }
          : { text: `${parsed.data.pipeline} was not paused anywhere`, kind: 'bad' };
    } else {
      const { action, pipeline, digest: ref } = parsed.data;
      const result = await decidePromotion(
        { pipeline, ref, approver: actor, decision: action, via: 'dashboard' },
        deps,
      );
      deps.log.info('dashboard decision', { eventId, pipeline, digest: ref, actor, result: result.status });
      outcome = result.outcome;
      notice = {
        text: `${actor}: ${result.message}`,
        kind: ['approved', 'recorded', 'declined'].includes(result.status) ? 'ok' : 'bad',
      };
    }
  }

  const pipeline = typeof request.pipeline === 'string' && !fields ? request.pipeline : undefined;
  const known = pipeline === undefined || deps.config.pipelines.some((p) => p.name === pipeline);
  if (!known)
    return { body: renderWidgetError(`No pipeline named ${String(pipeline)} (widget parameter pipeline)`) };
  const view = await loadStatusView(deps, pipeline);
  const body = renderStatusWidget(view, {
    endpoint: deps.functionArn,
    theme: widget.theme,
    actor: account,
    actorName: name.data || undefined,
    notice,
  });
  return { body, ...(outcome ? { outcome } : {}) };
};
