/**
 * Every notice a typed outcome warrants; a scan's resumed pushes, and a promotion's deploy, are flattened into
 * theirs.
 */
import type { Outcome } from '../outcome.ts';
import { auditNotices, crashNotices, driftNotices } from './incident-notices.ts';
import type { Notice, NoticeContext } from './notice-model.ts';
import { hookNotices } from './hook-notices.ts';
import { promotionNotices } from './promotion-notices.ts';
import { alarmNotices, deployNotices, followNotices } from './rollout-notices.ts';

export type { Notice, NoticeContext, Tone } from './notice-model.ts';
export { ecsServiceUrl } from './notice-model.ts';

export const noticesFor = (outcome: Outcome, context: NoticeContext): Notice[] => {
  switch (outcome.kind) {
    case 'deploy':
      return deployNotices(outcome, context);
    case 'scan':
      return outcome.actions.flatMap((inner) => deployNotices(inner, context));
    case 'deployment':
      return followNotices(outcome, context);
    case 'task':
      return crashNotices(outcome, context);
    case 'alarm':
      return alarmNotices(outcome, context);
    case 'audit':
      return auditNotices(outcome, context);
    case 'drift':
      return driftNotices(outcome, context);
    case 'promotion':
      return [
        ...promotionNotices(outcome, context),
        ...(outcome.resumed ?? []).flatMap((inner) => deployNotices(inner, context)),
      ];
    case 'hook':
      return hookNotices(outcome, context);
    case 'interaction':
      // A click's answer goes back to Slack in the HTTP response; what the decision changed is a
      // promotion outcome of its own (DecisionResult.outcome), told through the promotion's thread.
      return [];
    case 'unrouted':
      return [];
  }
};

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Region and trigger of a raw event, for links and the "triggered by" line. */
export const noticeContextOf = (event: unknown): NoticeContext => {
  const raw = (event ?? {}) as {
    region?: unknown;
    'detail-type'?: unknown;
    detail?: Record<string, unknown>;
  };
  const detail = raw.detail ?? {};
  const region = typeof raw.region === 'string' ? raw.region : 'us-east-1';
  switch (raw['detail-type']) {
    case 'ECR Image Action':
      return { region, trigger: `ECR push ${text(detail['repository-name'])}:${text(detail['image-tag'])}` };
    case 'CloudWatch Alarm State Change':
      return { region, trigger: `alarm ${text(detail.alarmName)}` };
    case 'AWS API Call via CloudTrail': {
      const identity = (detail.userIdentity ?? {}) as {
        arn?: unknown;
        sessionContext?: { sessionIssuer?: { arn?: unknown } };
      };
      return {
        region,
        trigger: text(identity.sessionContext?.sessionIssuer?.arn) || text(identity.arn) || 'unknown caller',
      };
    }
    default:
      return { region, trigger: text(raw['detail-type']) || 'event' };
  }
};
