/**
 * Team notifications: after a use case has written its outcome, tell the owning team in Slack.
 *
 * Primary course:
 *  1. Turn the typed outcome into notices (the message model), from what the use case already knew.
 *  2. Route each notice: the pipeline's team, else the service's team tag, else the default team, else the
 *     local default webhook; skip teams not subscribed to the notice's trigger.
 *  3. Render each for Slack and hand them to the outbox, in order: the notifier function's queue in AWS
 *     (send-notice.ts claims, posts and threads them there), or straight to Slack in the CLI.
 *
 * Alternate courses: any failure is logged with the notice id and swallowed. A notification never fails
 * or delays the deploy it reports, and the event is not retried for it.
 */
import { type DeckhandConfig, pipelinesForService, type TeamConfig } from '../config.ts';
import { errorMessage } from '../errors.ts';
import { type Notice, type NoticeContext, noticesFor } from '../notify/notice.ts';
import { renderSlack } from '../notify/slack-blocks.ts';
import type { Outcome } from '../outcome.ts';
import type { EcsPort } from '../ports/ecs.ts';
import type { Log } from '../ports/log.ts';
import type { DeliveryReport, Destination, NoticeOutbox, OutgoingNotice } from '../ports/slack.ts';
import { type Home, serviceKeyOf } from '../sites.ts';

export interface NotifyDeps {
  config: DeckhandConfig;
  home: Home;
  outbox: NoticeOutbox;
  ecs: Pick<EcsPort, 'describeServices'>;
  log: Log;
  /** DECKHAND_SLACK_WEBHOOK_URL: the default route of every team without a destination of its own. */
  defaultWebhookUrl?: string;
}

export type { DeliveryReport };

const destinationOf = (
  team: string | undefined,
  config: TeamConfig | undefined,
  fallbackUrl: string | undefined,
): Destination | undefined => {
  const slack = config?.slack;
  if (slack && 'channel' in slack)
    return {
      kind: 'api',
      id: `${team}:${slack.channel}`,
      channel: slack.channel,
      tokenSecret: slack.botToken,
    };
  if (slack) return { kind: 'webhook', id: `${team}:webhook`, urlSecret: slack.webhook };
  return fallbackUrl ? { kind: 'webhook-url', id: 'default-webhook', url: fallbackUrl } : undefined;
};

const teamOf = async (
  notice: Notice,
  deps: NotifyDeps,
  tagLookups: Map<string, Promise<string | undefined>>,
): Promise<string | undefined> => {
  const { pipeline, cluster, service, site, tags } = notice.owner;
  const owning = pipeline
    ? deps.config.pipelines.find((p) => p.name === pipeline)
    : cluster && service
      ? pipelinesForService(deps, site, cluster, service).find((p) => p.team)
      : undefined;
  if (owning?.team) return owning.team;
  const teamTag = deps.config.notifications.teamTag;
  if (tags) return tags[teamTag] ?? deps.config.notifications.defaultTeam;
  if (cluster && service) {
    // One read per service per outcome, however many notices it has.
    const key = serviceKeyOf(cluster, service, site);
    let lookup = tagLookups.get(key);
    if (!lookup) {
      lookup = deps.ecs
        .describeServices(cluster, [service], site)
        .then((found) => found.get(service)?.tags.find((tag) => tag.key === teamTag)?.value)
        .catch((error: unknown) => {
          deps.log.warn('team tag not read', { cluster, serviceName: service, error: errorMessage(error) });
          return undefined;
        });
      tagLookups.set(key, lookup);
    }
    const tagged = await lookup;
    if (tagged) return tagged;
  }
  return deps.config.notifications.defaultTeam;
};

export const deliverNotices = async (
  outcome: Outcome,
  context: NoticeContext,
  deps: NotifyDeps,
): Promise<DeliveryReport> => {
  const report: DeliveryReport = { sent: 0, updated: 0, queued: 0, skipped: 0, failed: 0 };
  // Nowhere to send anything: skip the work (and the team-tag reads) entirely.
  if (Object.keys(deps.config.teams).length === 0 && !deps.defaultWebhookUrl) return report;
  const tagLookups = new Map<string, Promise<string | undefined>>();
  let notices: Notice[];
  try {
    notices = noticesFor(outcome, context);
  } catch (error) {
    deps.log.error('notices not built', { eventId: outcome.eventId, error: errorMessage(error) });
    return { ...report, failed: 1 };
  }
  const outgoing: OutgoingNotice[] = [];
  for (const notice of notices) {
    const id = `${notice.key}#${notice.state}`;
    try {
      const team = await teamOf(notice, deps, tagLookups);
      const teamConfig = team ? deps.config.teams[team] : undefined;
      if (teamConfig && !teamConfig.notify.includes(notice.trigger)) {
        report.skipped += 1;
        continue;
      }
      const destination = destinationOf(team, teamConfig, deps.defaultWebhookUrl);
      if (!destination) {
        deps.log.info('no route for notice', { noticeId: id, team });
        report.skipped += 1;
        continue;
      }
      outgoing.push({
        id: `${id}#${destination.id}`,
        eventId: outcome.eventId,
        ...(notice.thread ? { thread: notice.thread } : {}),
        destination,
        message: renderSlack(notice),
      });
    } catch (error) {
      deps.log.error('notification failed', {
        noticeId: id,
        eventId: outcome.eventId,
        error: errorMessage(error),
      });
      report.failed += 1;
    }
  }
  if (outgoing.length === 0) return report;
  const handed = await deps.outbox.send(outgoing);
  for (const key of ['sent', 'updated', 'queued', 'skipped', 'failed'] as const)
    report[key] += handed[key] ?? 0;
  return report;
};
