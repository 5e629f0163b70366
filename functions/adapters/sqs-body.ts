import type { SQSRecord } from 'aws-lambda';
import { RejectedEventError } from '#core/errors.ts';

/** A queued message's JSON body; one that is not JSON is refused, naming the message. */
export const jsonBodyOf = (record: Pick<SQSRecord, 'messageId' | 'body'>): unknown => {
  try {
    return JSON.parse(record.body) as unknown;
  } catch (error) {
    throw new RejectedEventError(record.messageId, 'body', 'not JSON', { cause: error });
  }
};
