/**
 * The message model: what Deckhand tells a team, as plain data built from a typed outcome. Rendering
 * (Slack Block Kit, escaping, limits) is separate, so both are pure and easy to test.
 */
import { resourceName } from '../arn.ts';
import type { NotifyTrigger } from '../config.ts';
import type { Finding } from '../guardrails/types.ts';
import type { Site } from '../sites.ts';

export type Tone = 'info' | 'success' | 'warning' | 'danger';

export interface Notice {
  trigger: NotifyTrigger;
  /** Identity for dedupe: the same key and state is never sent twice. */
  key: string;
  state: string;
  /** Messages about one rollout share this, so a Web API message is updated in place. */
  thread?: string;
  tone: Tone;
  /** Plain text; every string is escaped when rendered. */
  title: string;
  summary: string;
  fields: { label: string; value: string }[];
  details: string[];
  links: { label: string; url: string }[];
  /** Interactive buttons (approval requests); `value` comes back in Slack's block_actions payload. */
  buttons?: { text: string; actionId: string; value: string; style?: 'primary' | 'danger' }[];
  /** Who owns it: the pipeline's team, else the service's team tag (read here when the use case had it). */
  owner: {
    pipeline?: string;
    cluster?: string;
    service?: string;
    /** The spoke the service is in; absent at the hub's own account and Region. */
    site?: Site;
    tags?: Record<string, string>;
  };
}

export interface NoticeContext {
  region: string;
  /** Who or what set this off: a push, an alarm, a person's role. */
  trigger: string;
}

export const ecsServiceUrl = (region: string, cluster: string, service: string): string =>
  `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(resourceName(cluster))}/services/${encodeURIComponent(service)}/health?region=${region}`;

export const serviceLink = (context: NoticeContext, cluster: string, service: string, site?: Site) => ({
  label: 'ECS service',
  url: ecsServiceUrl(site?.region ?? context.region, cluster, service),
});

/** `family:revision` of a task-definition ARN, or `-`. */
export const revision = (arn: string | undefined): string => (arn ? resourceName(arn) : '-');

export const findingLine = (f: Finding): string =>
  `${f.status.toUpperCase()} ${f.rule} [${f.severity}]${f.container ? ` ${f.container}:` : ''} ${f.message}`;

/** The thread (and dedupe key) of everything said about one rollout. */
export const rolloutThread = (serviceKey: string, digest: string): string =>
  `rollout#${serviceKey}#${digest}`;

/** `{ site }` when the action's service is on a spoke, for spreading into a notice's owner. */
export const siteOf = (action: { site?: Site | undefined }): { site?: Site } =>
  action.site ? { site: action.site } : {};
