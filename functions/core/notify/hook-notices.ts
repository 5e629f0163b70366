/** Notices for the lifecycle hook: a refused deployment is told to the owning team; an approval it asked for too. */
import type { HookOutcome } from '../outcome.ts';
import { serviceKeyOf } from '../sites.ts';
import { findingLine, type Notice, type NoticeContext, serviceLink, siteOf } from './notice-model.ts';
import { promotionNotices } from './promotion-notices.ts';

export const hookNotices = (outcome: HookOutcome, context: NoticeContext): Notice[] => [
  ...outcome.actions
    .filter((action) => action.hookStatus === 'FAILED')
    .map((action) => {
      const serviceKey = serviceKeyOf(action.cluster, action.service, action.site);
      return {
        trigger: 'guardrail' as const,
        key: `hook#${outcome.eventId}#${action.stage}`,
        state: 'failed',
        tone: 'danger' as const,
        title: `${action.service}: deployment refused at ${action.stage}`,
        summary: action.reason,
        fields: [
          { label: 'Service', value: serviceKey },
          ...(action.pipeline ? [{ label: 'Pipeline', value: action.pipeline }] : []),
          { label: 'Revision', value: action.taskDefinition ?? action.targetServiceRevisionArn },
          { label: 'Deployment', value: action.serviceDeploymentArn },
        ],
        details: (action.findings ?? []).filter((f) => f.status !== 'pass').map(findingLine),
        links: [serviceLink(context, action.cluster, action.service, action.site)],
        owner: {
          ...(action.pipeline ? { pipeline: action.pipeline } : {}),
          cluster: action.cluster,
          service: action.service,
          ...siteOf(action),
        },
      };
    }),
  ...(outcome.promotion ? promotionNotices(outcome.promotion, context) : []),
];
