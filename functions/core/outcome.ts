import { logger } from '#commons/powertools.ts';
import type { RejectedEventError } from './errors.ts';

export type OutcomeKind =
  | 'deployed'
  | 'planned'
  | 'ignored'
  | 'blocked'
  | 'pending'
  | 'rejected'
  | 'failed'
  | 'rolled-back'
  | 'alerted'
  | 'recorded';

/** The outcome every handler and `deckhand replay` report, one per event. */
export interface Outcome<A = unknown> {
  eventId: string;
  detailType: string;
  outcome: OutcomeKind;
  actions: A[];
  reason?: string;
}

const detailTypeOf = (input: unknown): string => {
  const value = (input as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value.slice(0, 128) : '(none)';
};

/** Bad input is permanent: log it once, naming the event and the field, act on nothing, never retry. */
export const rejected = (input: unknown, error: RejectedEventError): Outcome<never> => {
  logger.warn('event rejected', { eventId: error.eventId, field: error.field, reason: error.message });
  return {
    eventId: error.eventId,
    detailType: detailTypeOf(input),
    outcome: 'rejected',
    actions: [],
    reason: error.message,
  };
};
