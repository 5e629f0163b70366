/**
 * Which events reach which handler, as EventBridge patterns. The CDK stack builds its rules from these and
 * `deckhand replay` routes with the same patterns, so the two cannot drift apart.
 */
import type { DeckhandConfig } from '../config.ts';

export type PatternValue = string | { prefix: string };
export interface EventPattern {
  source?: string[];
  'detail-type'?: string[];
  detail?: Record<string, PatternValue[]>;
}

export type HandlerName = 'image-push' | 'image-scan' | 'ecs-change' | 'ecs-events' | 'alarm' | 'deployment-hook';

export interface Route {
  handler: HandlerName;
  /** The rule's construct id. */
  id: string;
  pattern: EventPattern;
}

export const routesFor = (config: DeckhandConfig): Route[] => {
  const repositories = [...new Set(config.pipelines.flatMap((p) => (p.repository ? [p.repository] : [])))].sort();
  const bySelector = config.pipelines.some((p) => !Array.isArray(p.alarms) && Object.keys(p.alarms.tags).length > 0);
  const alarmNames = [...new Set(config.pipelines.flatMap((p) => (Array.isArray(p.alarms) ? p.alarms : p.alarms.names)))].sort();
  return [
    {
      handler: 'image-push',
      id: 'ImagePushed',
      pattern: {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        // No repositories would match every push: match a name no repository can have instead.
        detail: {
          'action-type': ['PUSH'],
          result: ['SUCCESS'],
          'repository-name': repositories.length > 0 ? repositories : ['(no pipelines)'],
        },
      },
    },
    { handler: 'image-scan', id: 'EcrScanned', pattern: { source: ['aws.ecr'], 'detail-type': ['ECR Image Scan'] } },
    { handler: 'image-scan', id: 'InspectorScanned', pattern: { source: ['aws.inspector2'], 'detail-type': ['Inspector2 Scan'] } },
    {
      handler: 'ecs-change',
      id: 'EcsChanged',
      pattern: {
        source: ['aws.ecs'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['ecs.amazonaws.com'], eventName: ['RegisterTaskDefinition', 'CreateService', 'UpdateService'] },
      },
    },
    {
      handler: 'ecs-events',
      id: 'ServiceChanged',
      pattern: { source: ['aws.ecs'], 'detail-type': ['ECS Deployment State Change', 'ECS Service Action'] },
    },
    {
      handler: 'ecs-events',
      id: 'TaskStopped',
      pattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], group: [{ prefix: 'service:' }] },
      },
    },
    {
      handler: 'alarm',
      id: 'AlarmChanged',
      pattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        // Named alarms are filtered here; a tag selector needs every alarm, matched in the handler.
        ...(bySelector ? {} : { detail: { alarmName: alarmNames.length > 0 ? alarmNames : ['(no alarms)'] } }),
      },
    },
    {
      // A pause hook waits for a decision: the same approvals as a promotion.
      handler: 'deployment-hook',
      id: 'HookAwaitingAction',
      pattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Hook State Change'],
        detail: { eventName: ['HOOK_AWAITING_ACTION'] },
      },
    },
  ];
};

const valueMatches = (actual: unknown, allowed: PatternValue[]): boolean =>
  allowed.some((value) =>
    typeof value === 'string' ? actual === value : typeof actual === 'string' && actual.startsWith(value.prefix),
  );

/** EventBridge's matching for the pattern features Deckhand uses: exact values and prefixes. */
export const matchesPattern = (event: unknown, pattern: EventPattern): boolean => {
  const raw = (event ?? {}) as Record<string, unknown>;
  if (pattern.source && !valueMatches(raw.source, pattern.source)) return false;
  if (pattern['detail-type'] && !valueMatches(raw['detail-type'], pattern['detail-type'])) return false;
  const detail = (raw.detail ?? {}) as Record<string, unknown>;
  return Object.entries(pattern.detail ?? {}).every(([key, allowed]) => valueMatches(detail[key], allowed));
};

export const handlersFor = (event: unknown, config: DeckhandConfig): HandlerName[] => [
  ...new Set(routesFor(config).filter((route) => matchesPattern(event, route.pattern)).map((route) => route.handler)),
];
