import type * as z from '../zod.ts';
import { withoutNulls } from '../absent.ts';
import { RejectedEventError } from '../errors.ts';
import { type OutcomeKindName, rejected } from '../outcome.ts';
import type { Log } from '../ports/log.ts';
import { formatPath } from '../zod-issues.ts';

export type Parsed<T> = { ok: true; event: T } | { ok: false; error: RejectedEventError };

/** The event id if the input has one, so even a malformed event can be named in the log. */
export const eventIdOf = (input: unknown): string => {
  const id = (input as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 128) : '(no id)';
};

/**
 * Validates an event without throwing: a failure names the event id and the first bad field. Nulls are
 * absent fields (withoutNulls), so an optional field sent as null is accepted as missing.
 */
export const parseEvent = <S extends z.ZodMiniType>(schema: S, input: unknown): Parsed<z.infer<S>> => {
  const result = schema.safeParse(withoutNulls(input));
  if (result.success) return { ok: true, event: result.data };
  const issue = innermost(result.error.issues[0]);
  const field = formatPath(issue?.path ?? []) || '(event)';
  return {
    ok: false,
    error: new RejectedEventError(eventIdOf(input), field, issue?.message ?? 'invalid', {
      cause: result.error,
    }),
  };
};

type Issue = z.core.$ZodIssue;

/** A union's own issue has no path: name the field of the branch that came closest to matching. */
const innermost = (issue: Issue | undefined): Issue | undefined => {
  if (issue?.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
  const inner = innermost(closest?.[0]);
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
};

/**
 * A use case's first step: the event as its schema reads it, with the fields every outcome repeats; or, for
 * bad input, the `rejected` outcome (logged once, naming the event and the field).
 */
export const acceptEvent = <K extends OutcomeKindName, S extends z.ZodMiniType<{ id: string; 'detail-type': string }>>(
  kind: K,
  schema: S,
  input: unknown,
  log: Log,
) => {
  const parsed = parseEvent(schema, input);
  if (!parsed.ok) return { ok: false as const, rejected: rejected(kind, input, parsed.error, log) };
  const { event } = parsed;
  return { ok: true as const, event, base: { kind, eventId: event.id, detailType: event['detail-type'] } };
};
