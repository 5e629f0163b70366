/**
 * A click on an approval message's Approve or Decline button, as Slack posts it to the Function URL.
 *
 * Primary course:
 *  1. Undo the Function URL's base64 transport encoding, then verify Slack's signature over the raw body and
 *     its timestamp (five minutes either way) before reading anything in it.
 *  2. Read the form's `payload`: a `block_actions` payload whose action is `deckhand.approve` or
 *     `deckhand.decline`, its value naming the pipeline and digest; the approver is the clicking user.
 *  3. Decide (only that: the approved promotion deploys on the next timer tick), and answer Slack at once.
 *
 * Alternate courses: a missing or bad signature or timestamp → 401, nothing read, nothing decided; a payload
 * that is not ours → 200, ignored; a malformed one → 400; a user who may not approve → 403; a promotion that
 * expired, was superseded, closed or is unknown → 200 with an ephemeral explanation; a failure inside the
 * decision → 503 (the user clicks again), logged. Never throws.
 */
import { TransientError, errorMessage } from '../errors.ts';
import { approveActionId, type DecisionButtonValue, declineActionId } from '../notify/promotion-notices.ts';
import type { InteractionAction, InteractionOutcome, OutcomeKind } from '../outcome.ts';
import type { Clock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import { verifySlackSignature } from '../slack/signature.ts';
import type { DecisionRequest, DecisionResult, DecisionStatus } from './decide-promotion.ts';

export interface SlackInteractionDeps {
  /** The Slack app's signing secret. */
  signingSecret: () => Promise<string>;
  decide: (request: DecisionRequest) => Promise<DecisionResult>;
  clock: Clock;
  log: Log;
}

const detailType = 'Slack Interaction';
const unsigned = '(unsigned)';

const answer = (
  statusCode: number,
  eventId: string,
  outcome: OutcomeKind,
  reason: string,
  body: string,
  actions: InteractionAction[] = [],
): InteractionOutcome => ({
  kind: 'interaction',
  eventId,
  detailType,
  outcome,
  actions,
  reason,
  statusCode,
  body,
});

const ephemeral = (text: string): string =>
  JSON.stringify({ response_type: 'ephemeral', replace_original: false, text });
const error = (text: string): string => JSON.stringify({ error: text });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A header's value whatever its case; two spellings with different values are ambiguous, so none. */
const header = (headers: Json, name: string): string | undefined => {
  let found: string | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || typeof value !== 'string') continue;
    if (found !== undefined && found !== value) return undefined;
    found = value;
  }
  return found;
};

/** The body exactly as sent: a Function URL base64-encodes bodies it does not treat as text. */
const rawBody = (event: Json): Buffer => {
  const body = typeof event.body === 'string' ? event.body : '';
  return event.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
};

/** Printable, bounded: ids from the payload go into logs and the outcome. */
const idPart = (value: string): string => value.replace(/[^\w.:-]/g, '_').slice(0, 100);

interface Click {
  eventId: string;
  approver: string;
  decision: 'approve' | 'decline';
  value: DecisionButtonValue;
}

type Parsed = { click: Click } | { ignore: string } | { malformed: string };

const pipelinePattern = /^[A-Za-z0-9._-]{1,128}$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;

const parseValue = (value: unknown): DecisionButtonValue | undefined => {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const { pipeline, digest } = parsed;
  if (typeof pipeline !== 'string' || !pipelinePattern.test(pipeline)) return undefined;
  if (typeof digest !== 'string' || !digestPattern.test(digest)) return undefined;
  return { pipeline, digest };
};

const parseClick = (body: string): Parsed => {
  const form = new URLSearchParams(body).get('payload');
  if (form === null) return { malformed: 'no payload field in the form body' };
  let payload: unknown;
  try {
    payload = JSON.parse(form);
  } catch {
    return { malformed: 'payload is not JSON' };
  }
  if (!isObject(payload)) return { malformed: 'payload is not an object' };
  if (payload.type !== 'block_actions') return { ignore: `not a block_actions payload` };
  const approver = isObject(payload.user) ? text(payload.user.id) : undefined;
  if (!approver || approver.length > 64) return { malformed: 'payload.user.id missing' };
  if (!Array.isArray(payload.actions)) return { malformed: 'payload.actions is not a list' };
  const action = payload.actions.find(
    (a): a is Json => isObject(a) && (a.action_id === approveActionId || a.action_id === declineActionId),
  );
  if (!action) return { ignore: 'no Deckhand action in the payload' };
  const value = parseValue(action.value);
  if (!value) return { malformed: `${String(action.action_id)}: value is not {"pipeline","digest"}` };
  const container = isObject(payload.container) ? payload.container : {};
  const instance =
    text(payload.trigger_id) ?? text(container.message_ts) ?? text(action.action_ts) ?? 'unknown';
  const decision = action.action_id === approveActionId ? 'approve' : 'decline';
  return {
    click: { eventId: `slack:${idPart(instance)}:${decision}`, approver, decision, value },
  };
};

const answered: Record<DecisionStatus, { statusCode: number; outcome: OutcomeKind; explain: boolean }> = {
  approved: { statusCode: 200, outcome: 'approved', explain: false },
  recorded: { statusCode: 200, outcome: 'recorded', explain: false },
  declined: { statusCode: 200, outcome: 'declined', explain: false },
  duplicate: { statusCode: 200, outcome: 'ignored', explain: false },
  'not-approver': { statusCode: 403, outcome: 'rejected', explain: true },
  expired: { statusCode: 200, outcome: 'ignored', explain: true },
  superseded: { statusCode: 200, outcome: 'ignored', explain: true },
  closed: { statusCode: 200, outcome: 'ignored', explain: true },
  'not-found': { statusCode: 200, outcome: 'ignored', explain: true },
};

export const handleSlackInteraction = async (
  event: unknown,
  deps: SlackInteractionDeps,
): Promise<InteractionOutcome> => {
  const request = isObject(event) ? event : {};
  const headers = isObject(request.headers) ? request.headers : {};
  const body = rawBody(request);

  let secret: string;
  try {
    secret = await deps.signingSecret();
  } catch (failure) {
    deps.log.error('slack signing secret not read', { error: errorMessage(failure) });
    return answer(503, unsigned, 'failed', 'signing secret not read', error('try again'));
  }
  const check = verifySlackSignature(
    {
      timestamp: header(headers, 'x-slack-request-timestamp'),
      signature: header(headers, 'x-slack-signature'),
      body,
    },
    secret,
    deps.clock.now(),
  );
  if (!check.ok) {
    deps.log.warn('slack request refused', { reason: check.reason });
    return answer(401, unsigned, 'rejected', check.reason, error('unauthorized'));
  }

  const parsed = parseClick(body.toString('utf8'));
  if ('malformed' in parsed) {
    deps.log.warn('slack payload malformed', { reason: parsed.malformed });
    return answer(400, 'slack:(malformed)', 'rejected', parsed.malformed, error('malformed payload'));
  }
  if ('ignore' in parsed) {
    deps.log.info('slack interaction ignored', { reason: parsed.ignore });
    return answer(200, 'slack:(other)', 'ignored', parsed.ignore, '');
  }

  const { eventId, approver, decision, value } = parsed.click;
  let result: DecisionResult;
  try {
    result = await deps.decide({
      pipeline: value.pipeline,
      ref: value.digest,
      approver,
      decision,
      via: 'slack',
    });
  } catch (failure) {
    const transient = failure instanceof TransientError;
    deps.log.error('slack decision failed', {
      eventId,
      pipeline: value.pipeline,
      digest: value.digest,
      transient,
      error: errorMessage(failure),
    });
    return answer(
      transient ? 503 : 500,
      eventId,
      'failed',
      `decision failed: ${errorMessage(failure)}`,
      error('try again'),
    );
  }
  const action: InteractionAction = { ...value, approver, decision, result: result.status };
  const { statusCode, outcome, explain } = answered[result.status];
  deps.log.info('slack decision', { eventId, ...action, statusCode });
  return answer(statusCode, eventId, outcome, result.message, explain ? ephemeral(result.message) : '', [
    action,
  ]);
};
