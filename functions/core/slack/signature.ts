/**
 * Slack's request signing: `X-Slack-Signature` is `v0=` + hex HMAC-SHA256, keyed by the app's signing secret,
 * of `v0:{X-Slack-Request-Timestamp}:{raw body}`. A request is genuine when the signature matches (compared in
 * constant time) and its timestamp is within five minutes of now, either way, so a captured request cannot be
 * replayed later. Pure: the caller hands in the secret, the raw body bytes and the time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const slackSignatureVersion = 'v0';
/** How far a request's timestamp may be from now, in seconds (Slack's own guidance). */
export const slackMaxSkewSeconds = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds, as sent. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=<64 hex>`. */
  signature: string | undefined;
  /** The body exactly as received (after any base64 transport encoding is undone). */
  body: string | Uint8Array;
}

const bytes = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : body;

/** The signature Slack sends for this timestamp and body. */
export const slackSignature = (signingSecret: string, timestamp: string, body: string | Uint8Array): string =>
  `${slackSignatureVersion}=${createHmac('sha256', signingSecret)
    .update(`${slackSignatureVersion}:${timestamp}:`, 'utf8')
    .update(bytes(body))
    .digest('hex')}`;

const refuse = (reason: string): SignatureCheck => ({ ok: false, reason });

export const verifySlackSignature = (
  request: SignedRequest,
  signingSecret: string,
  now: Date,
): SignatureCheck => {
  // An empty key signs nothing: anyone could compute that HMAC.
  if (!signingSecret) return refuse('no signing secret');
  const { timestamp, signature } = request;
  if (!timestamp) return refuse('missing X-Slack-Request-Timestamp');
  if (!signature) return refuse('missing X-Slack-Signature');
  if (!/^\d{1,15}$/.test(timestamp)) return refuse('X-Slack-Request-Timestamp is not Unix seconds');
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (!(skew <= slackMaxSkewSeconds)) return refuse('X-Slack-Request-Timestamp is more than 5 minutes away');
  if (!signature.startsWith(`${slackSignatureVersion}=`)) return refuse('unsupported signature version');
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, request.body), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch tells nothing about the secret.
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return refuse('signature mismatch');
  return { ok: true };
};
