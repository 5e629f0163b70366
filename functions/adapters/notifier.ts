/**
 * The notifier function's Lambda shape: a batch from the FIFO notice queue, each message one notice sent
 * to Slack (core/use-cases/send-notice.ts). A transient failure (a rate limit past the budget, Slack or AWS
 * unreachable) is reported back with the rest of its message group, so SQS redelivers them in order and,
 * past their tries, dead-letters them. A malformed message, or any failure not known to be permanent, is
 * failed the same way and ends in the dead-letter queue, where nothing is lost. A permanent failure (a
 * revoked token, an unknown channel, a missing secret) is logged once and dropped: no retry could send it.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#commons/powertools.ts';
import { errorMessage, RejectedEventError } from '#core/errors.ts';
import { noticeShape, outgoingNoticeSchema } from '#core/events/outgoing-notice.ts';
import type { OutgoingNotice } from '#core/ports/slack.ts';
import { sendNotice, type SendNoticeDeps } from '#core/use-cases/send-notice.ts';
import { formatPath } from '#core/zod-issues.ts';
import { SecretError } from './secrets-manager.ts';
import { SlackDeliveryError } from './slack.ts';
import { jsonBodyOf } from './sqs-body.ts';

/** The notice a message carries; a malformed one is refused naming the message and the field. */
export const parseNoticeMessage = (record: Pick<SQSRecord, 'messageId' | 'body'>): OutgoingNotice => {
  const parsed = outgoingNoticeSchema.safeParse(jsonBodyOf(record));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RejectedEventError(
      record.messageId,
      formatPath(issue?.path ?? []) || 'body',
      issue?.message ?? 'invalid',
      { cause: parsed.error },
    );
  }
  return noticeShape(parsed.data);
};

export interface NotifierOptions {
  /** DECKHAND_SLACK_WEBHOOK_URL: the one plain webhook URL a notice may name (local set-ups). */
  defaultWebhookUrl?: string;
}

export const notifierHandler = (deps: SendNoticeDeps, options: NotifierOptions = {}) => {
  const processor = new SqsFifoPartialProcessorAsync();
  const sendRecord = async (record: SQSRecord) => {
    let notice: OutgoingNotice | undefined;
    try {
      notice = parseNoticeMessage(record);
      const { destination } = notice;
      // A plain URL is taken only if it is the one this function was given: the queue names no other host.
      if (destination.kind === 'webhook-url' && destination.url !== options.defaultWebhookUrl)
        throw new RejectedEventError(
          record.messageId,
          'destination.url',
          'not the configured default webhook',
        );
      const result = await sendNotice(notice, deps);
      logger.info('notice sent', { noticeId: notice.id, eventId: notice.eventId, result });
    } catch (error) {
      const context = { messageId: record.messageId, noticeId: notice?.id, eventId: notice?.eventId };
      if (error instanceof SlackDeliveryError || error instanceof SecretError) {
        logger.error('notice refused for good', { ...context, error: errorMessage(error) });
        return;
      }
      // Thrown on: redelivered with its group, then dead-lettered past its tries (nothing is lost).
      logger.warn('notice not sent', { ...context, error: errorMessage(error) });
      throw error;
    }
  };
  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, sendRecord, processor, {
      context,
      skipGroupOnError: true,
      // All failed is an answer like any other: those messages come back, the function did not fail.
      throwOnFullBatchFailure: false,
    }),
  ).use(injectLambdaContext(logger, { resetKeys: true }));
};
