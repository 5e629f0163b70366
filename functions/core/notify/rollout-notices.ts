/** Notices about rollouts: a push's deploy actions, ECS deployment events, alarm rollbacks. One thread each. */
import { shortDigest } from '../image-ref.ts';
import type { AlarmOutcome, DeploymentOutcome, DeployOutcome } from '../outcome.ts';
import { serviceKeyOf } from '../sites.ts';
import {
  findingLine,
  type Notice,
  type NoticeContext,
  revision,
  rolloutThread,
  serviceLink,
  siteOf,
  type Tone,
} from './notice-model.ts';

const deployStates: Partial<Record<string, { tone: Tone; verb: string }>> = {
  deployed: { tone: 'info', verb: 'rolling out' },
  failed: { tone: 'danger', verb: 'failed to deploy' },
  blocked: { tone: 'danger', verb: 'blocked by guardrails' },
  pending: { tone: 'warning', verb: 'waiting for its image scan' },
  paused: { tone: 'warning', verb: 'not deployed: automation paused' },
  frozen: { tone: 'warning', verb: 'held by a freeze' },
};

export const deployNotices = (outcome: DeployOutcome, context: NoticeContext): Notice[] =>
  outcome.actions.flatMap((action) => {
    const state = deployStates[action.status];
    if (!state) return [];
    const digest = action.image.slice(action.image.indexOf('@') + 1);
    const repository = action.image.slice(action.image.lastIndexOf('/') + 1, action.image.indexOf('@'));
    const tagged = `${repository}:${action.tag} (${shortDigest(digest)})`;
    const serviceKey = serviceKeyOf(action.cluster, action.service, action.site);
    const failing = (action.findings ?? []).filter((f) => f.status !== 'pass');
    const blocked = action.status === 'blocked';
    const waivable = [...new Set(failing.filter((f) => f.status === 'fail').map((f) => f.rule))];
    const details = [
      ...(action.breakGlass
        ? [`BREAK-GLASS by ${action.breakGlass.by}: ${action.breakGlass.reason} (a freeze was passed)`]
        : []),
      ...failing.map(findingLine),
      ...(action.expiredWaivers?.length
        ? [`Expired waivers ignored: ${action.expiredWaivers.join(', ')}`]
        : []),
      ...(blocked
        ? [
            `To waive: add to guardrails.waivers {id, rules: [${waivable.join(', ')}], match: {services: [${action.service}]}, reason, owner, expires}`,
          ]
        : []),
    ];
    return [
      {
        trigger: blocked && failing.some((f) => f.rule !== 'IMG-003') ? 'guardrail' : 'deploy',
        key: rolloutThread(serviceKey, digest),
        state: action.status,
        thread: rolloutThread(serviceKey, digest),
        tone: action.breakGlass
          ? 'danger'
          : failing.some((f) => f.status === 'warn') && state.tone === 'info'
            ? 'warning'
            : state.tone,
        title: `${action.breakGlass ? 'BREAK-GLASS ' : ''}${action.service}: ${tagged} ${state.verb}`,
        summary: action.reason ?? `Deploying ${action.image} to ${serviceKey} (pipeline ${action.pipeline}).`,
        fields: [
          { label: 'Service', value: serviceKey },
          { label: 'Pipeline', value: action.pipeline },
          { label: 'Image', value: tagged },
          { label: 'Revision', value: `${revision(action.from)} → ${action.to ? revision(action.to) : '-'}` },
          { label: 'Triggered by', value: context.trigger },
        ],
        details,
        links: [serviceLink(context, action.cluster, action.service, action.site)],
        owner: {
          pipeline: action.pipeline,
          cluster: action.cluster,
          service: action.service,
          ...siteOf(action),
          ...(action.serviceTags ? { tags: action.serviceTags } : {}),
        },
      },
    ];
  });

const followStates: Partial<Record<string, Tone>> = {
  succeeded: 'success',
  failed: 'danger',
  'rolled-back': 'danger',
  'rolling-back': 'warning',
};

export const followNotices = (outcome: DeploymentOutcome, context: NoticeContext): Notice[] =>
  outcome.actions.flatMap((action): Notice[] => {
    const serviceKey = serviceKeyOf(action.cluster, action.service, action.site);
    const link = serviceLink(context, action.cluster, action.service, action.site);
    const tone = followStates[action.status];
    const { rollout } = action;
    if (rollout && tone) {
      return [
        {
          trigger: 'deploy',
          key: rolloutThread(serviceKey, rollout.digest),
          state: action.status,
          thread: rolloutThread(serviceKey, rollout.digest),
          tone,
          title: `${action.service}: ${rollout.tag} rollout ${action.status}`,
          summary: action.reason ?? action.status,
          fields: [
            { label: 'Pipeline', value: rollout.pipeline },
            { label: 'Image tag', value: rollout.tag },
            { label: 'Service', value: serviceKey },
            { label: 'Deployment', value: action.deploymentId ?? '-' },
          ],
          details: [],
          links: [link],
          owner: {
            pipeline: rollout.pipeline,
            cluster: action.cluster,
            service: action.service,
            ...siteOf(action),
          },
        },
      ];
    }
    if (outcome.outcome !== 'alerted') return [];
    return [
      {
        trigger: 'deploy',
        key: `event#${outcome.eventId}#${serviceKey}`,
        state: action.status,
        tone: 'warning',
        title: `${action.service}: ${action.status}`,
        summary: action.reason ?? action.status,
        fields: [{ label: 'Service', value: serviceKey }],
        details: [],
        links: [link],
        owner: { cluster: action.cluster, service: action.service, ...siteOf(action) },
      },
    ];
  });

export const alarmNotices = (outcome: AlarmOutcome, context: NoticeContext): Notice[] =>
  outcome.actions
    .filter((a) => a.status !== 'already-rolled-back')
    .map((action) => {
      const serviceKey = serviceKeyOf(action.cluster, action.service, action.site);
      const rolled = action.status === 'rolled-back';
      const thread = rolled && action.digest ? rolloutThread(serviceKey, action.digest) : undefined;
      return {
        trigger: 'alarm' as const,
        key: thread ?? `alarm#${outcome.eventId}#${serviceKey}`,
        state: action.status,
        ...(thread ? { thread } : {}),
        tone: rolled || action.status === 'no-known-good' ? ('danger' as const) : ('warning' as const),
        title: rolled ? `${action.service}: rolled back after an alarm` : `${action.service}: alarm`,
        summary: action.reason,
        fields: [
          { label: 'Service', value: serviceKey },
          { label: 'Pipeline', value: action.pipeline },
          ...(rolled
            ? [{ label: 'Revision', value: `${revision(action.from)} → ${revision(action.to)}` }]
            : []),
          { label: 'Triggered by', value: context.trigger },
        ],
        details: rolled
          ? [
              `Automation is paused for ${action.pipeline} on ${serviceKey}: run deckhand resume ${action.pipeline}`,
            ]
          : [],
        links: [serviceLink(context, action.cluster, action.service, action.site)],
        owner: {
          pipeline: action.pipeline,
          cluster: action.cluster,
          service: action.service,
          ...siteOf(action),
        },
      };
    });
