/**
 * What core needs of a logger: constant messages, data in keys. The handlers and the CLI hand in the one
 * Powertools Logger; core never imports it.
 */
export type LogData = Record<string, unknown>;

export interface Log {
  debug(message: string, ...data: LogData[]): void;
  info(message: string, ...data: LogData[]): void;
  warn(message: string, ...data: LogData[]): void;
  error(message: string, ...data: LogData[]): void;
}

/** A log that drops everything: for pure callers (`deckhand check`) and tests that do not read logs. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
