/** Named errors. Transient ones are thrown so EventBridge retries and then dead-letters the event. */

/** A failure that may pass on retry (throttling, a 5xx, a lock held by a concurrent delivery). */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** The event itself is wrong: retrying can never help. Carries the event id and the offending field. */
export class RejectedEventError extends Error {
  override name = 'RejectedEventError';
  readonly eventId: string;
  readonly field: string;
  constructor(eventId: string, field: string, message: string, options?: ErrorOptions) {
    super(`event ${eventId}: ${field}: ${message}`, options);
    this.eventId = eventId;
    this.field = field;
  }
}

/** The configuration file is invalid; `issues` name the path of each bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly issues: string[];
  constructor(source: string, issues: string[], options?: ErrorOptions) {
    super(`invalid Deckhand config (${source}):\n  ${issues.join('\n  ')}`, options);
    this.issues = issues;
  }
}

/** A target the config names does not exist or cannot be deployed (permanent for this event). */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** Another delivery holds the service's deploy lock; retry later. */
export class LockBusyError extends TransientError {
  override name = 'LockBusyError';
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
