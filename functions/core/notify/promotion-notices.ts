/**
 * Notices about a promotion: one message per promotion (thread `promotion#<pipeline>#<digest>`), posted when it
 * waits for approval, with Approve and Decline buttons, and updated in place as it moves on: each approval,
 * the decision (who made it), expiry, the deploy, a freeze holding it and releasing it, cancellation,
 * supersession. Only the request carries buttons. A deploy the promotion made is told as that rollout's own.
 */
import { shortDigest } from '../image-ref.ts';
import type { PromotionAction, PromotionOutcome } from '../outcome.ts';
import type { Notice, NoticeContext, Tone } from './notice-model.ts';
import { deployNotices } from './rollout-notices.ts';

/** The action ids of the approval buttons; Slack sends them back in its block_actions payload. */
export const approveActionId = 'deckhand.approve';
export const declineActionId = 'deckhand.decline';

/** A button's value: which promotion it decides. */
export interface DecisionButtonValue {
  pipeline: string;
  digest: string;
}

export const decisionButtonValue = (value: DecisionButtonValue): string =>
  JSON.stringify({ pipeline: value.pipeline, digest: value.digest });

/** The thread (and dedupe key) of everything said about one promotion. */
export const promotionThread = (pipeline: string, digest: string): string =>
  `promotion#${pipeline}#${digest}`;

const tones: Record<PromotionAction['status'], Tone> = {
  'awaiting-approval': 'warning',
  approved: 'success',
  declined: 'danger',
  expired: 'warning',
  promoted: 'success',
  frozen: 'warning',
  released: 'info',
  cancelled: 'warning',
  superseded: 'info',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const headline = (a: PromotionAction, version: string): { title: string; summary: string } => {
  const who = a.decidedBy ?? 'someone';
  switch (a.status) {
    case 'awaiting-approval': {
      const required = a.required ?? 1;
      const so = a.approvals?.length ? ` (${a.approvals.length} so far)` : '';
      return {
        title: `${a.pipeline}: approve ${version} from ${a.source}?`,
        summary:
          `${a.source} proved ${a.image}. Deploying it to ${a.pipeline} needs ` +
          `${plural(required, 'approval')}${so}${a.expiresAt ? `, by ${a.expiresAt}` : ''}.`,
      };
    }
    case 'approved':
      return {
        title: `${a.pipeline}: ${version} approved by ${who}`,
        summary: `Approved by ${who}: it deploys to ${a.pipeline} on the next tick.`,
      };
    case 'declined':
      return {
        title: `${a.pipeline}: ${version} declined by ${who}`,
        summary: `Declined by ${who}${a.reason && a.reason !== 'declined' ? `: ${a.reason}` : ''}. It will not deploy.`,
      };
    case 'expired':
      return {
        title: `${a.pipeline}: approval of ${version} expired`,
        summary: `Nobody decided${a.expiresAt ? ` by ${a.expiresAt}` : ''}: it will not deploy.`,
      };
    case 'promoted':
      return {
        title: `${a.pipeline}: ${version} promoted from ${a.source}`,
        summary: a.reason ?? `Deploying ${a.image} to ${a.pipeline}.`,
      };
    case 'frozen':
      return {
        title: `${a.pipeline}: promotion of ${version} held by a freeze`,
        summary: a.reason ?? 'A freeze window holds it; it deploys when the window ends.',
      };
    case 'released':
      return {
        title: `${a.pipeline}: ${version} released after the freeze`,
        summary: a.reason ?? `The freeze ended: deploying ${a.image} to ${a.pipeline}.`,
      };
    case 'cancelled':
      return {
        title: `${a.pipeline}: promotion of ${version} cancelled`,
        summary: a.reason ?? 'Cancelled: it will not deploy.',
      };
    case 'superseded':
      return {
        title: `${a.pipeline}: promotion of ${version} superseded`,
        summary: a.reason ?? 'A newer image replaced it.',
      };
  }
};

/** State for dedupe: each approval counted while waiting is news too (the message updates its count). */
const stateOf = (a: PromotionAction): string =>
  a.status === 'awaiting-approval' && a.approvals?.length ? `${a.status}#${a.approvals.length}` : a.status;

const promotionNotice = (a: PromotionAction): Notice => {
  const version = `${a.tag} (${shortDigest(a.digest)})`;
  const { title, summary } = headline(a, version);
  const waiting = a.status === 'awaiting-approval';
  const value = decisionButtonValue({ pipeline: a.pipeline, digest: a.digest });
  return {
    trigger: 'promotion',
    key: promotionThread(a.pipeline, a.digest),
    state: stateOf(a),
    thread: promotionThread(a.pipeline, a.digest),
    tone: tones[a.status],
    title,
    summary,
    fields: [
      { label: 'Pipeline', value: a.pipeline },
      { label: 'From', value: a.source },
      { label: 'Image', value: version },
      ...(a.required !== undefined
        ? [{ label: 'Approvals', value: `${a.approvals?.length ?? 0} of ${a.required}` }]
        : []),
      ...(waiting && a.expiresAt ? [{ label: 'Expires', value: a.expiresAt }] : []),
      ...(a.decidedBy && !waiting ? [{ label: 'Decided by', value: a.decidedBy }] : []),
    ],
    details: [
      `Image: ${a.image}`,
      ...(waiting && a.approvers?.length ? [`Approvers: ${a.approvers.join(', ')}`] : []),
      ...(a.approvals?.length ? [`Approved by: ${a.approvals.join(', ')}`] : []),
    ],
    links: [],
    ...(waiting
      ? {
          buttons: [
            { text: 'Approve', actionId: approveActionId, value, style: 'primary' as const },
            { text: 'Decline', actionId: declineActionId, value, style: 'danger' as const },
          ],
        }
      : {}),
    owner: { pipeline: a.pipeline },
  };
};

export const promotionNotices = (outcome: PromotionOutcome, context: NoticeContext): Notice[] =>
  outcome.actions.flatMap((action) => [
    promotionNotice(action),
    ...(action.deploy ? deployNotices(action.deploy, context) : []),
  ]);
