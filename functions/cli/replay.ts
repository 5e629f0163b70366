/**
 * `deckhand replay <event.json>... [--config F] [--dry-run] [--json]`: runs the Lambdas' use cases in-process
 * against the AWS endpoint from the standard SDK environment.
 * Exit: 0 every event handled (ignored and planned included), 2 rejected input or a bad config, 1 a failure.
 */
import { createInProcessRollQueue, noticeEventOf } from '#adapters/in-process-roll-queue.ts';
import { type SlackActionsWired, wireSlackActions } from '#adapters/slack-actions.ts';
import { fanOutAbove } from '#adapters/deploy-wiring.ts';
import { selfRoles, type Notifier, wireAlarms } from '#adapters/wiring.ts';
import { wireCliNotifier } from '#adapters/slack-wiring.ts';
import { errorMessage } from '#core/errors.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import type { Outcome } from '#core/outcome.ts';
import type { AlarmsPort } from '#core/ports/alarms.ts';
import { readJsonFile } from './read-json.ts';
import { detailTypeOf, routeEvent } from './route.ts';
import { wireCli } from './session.ts';
import { roleSessionFor, withRoleSession } from '#adapters/site-clients.ts';

export interface ReplayOptions {
  files: string[];
  config?: string;
  dryRun: boolean;
  json: boolean;
}

/** An event whose handling threw: what a Lambda would retry and then dead-letter. */
interface Failure {
  kind: 'error';
  eventId: string;
  detailType: string;
  outcome: 'failed';
  actions: [];
  reason: string;
}

const describe = (outcome: Outcome | Failure): string => {
  const lines = [
    `${outcome.eventId}  ${outcome.detailType}  ${outcome.outcome}${outcome.reason ? `  (${outcome.reason})` : ''}`,
  ];
  for (const action of outcome.actions as object[] as Record<string, unknown>[]) {
    const text = (key: string) => (typeof action[key] === 'string' ? action[key] : '');
    const target = [text('cluster'), text('service')].filter(Boolean).join('/');
    lines.push(
      `  ${target}  ${text('status')}  ${text('from')} → ${text('to')}  ${text('reason')}`.trimEnd(),
    );
  }
  return lines.join('\n');
};

export const replay = async (options: ReplayOptions, write: (line: string) => void): Promise<number> => {
  // Wired before the first event, so a bad config is one clear error (exit 2), not a failure per event.
  const wired = await wireCli(options.config);
  let alarms: AlarmsPort | undefined;
  let slack: SlackActionsWired | undefined;
  let notifier: Notifier | undefined;
  // A large deploy queues its rolls as in AWS, and the roll worker's use case drains them right here.
  const rolls = createInProcessRollQueue(wired);
  const deps = {
    ...wired,
    fanOut: { queue: rolls, above: fanOutAbove() },
    dryRun: options.dryRun,
    selfRoles: selfRoles(),
    alarms: () => (alarms ??= wireAlarms(wired.home)),
    slackActions: () =>
      (slack ??= wireSlackActions(wired, { notifier: (notifier ??= wireCliNotifier(wired)) })),
  };
  let status = 0;
  for (const file of options.files) {
    const parsed = readJsonFile(file);
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
      let outcome: Outcome | Failure;
      try {
        outcome = await withRoleSession(roleSessionFor('deckhand-replay', event), () =>
          routeEvent(event, deps),
        );
        // As the Lambdas do: tell the teams after the outcome is recorded (never on a dry run).
        if (!options.dryRun) await (notifier ??= wireCliNotifier(wired)).deliver(outcome, event);
      } catch (error) {
        outcome = {
          kind: 'error',
          eventId: eventIdOf(event),
          detailType: detailTypeOf(event) || '(none)',
          outcome: 'failed',
          actions: [],
          reason: errorMessage(error),
        };
      }
      const worked = rolls.drained();
      for (const result of [outcome, ...worked.map((w) => w.outcome)]) {
        if (result.outcome === 'rejected') status = Math.max(status, 2);
        if (result.outcome === 'failed') status = status === 2 ? 2 : 1;
        write(options.json ? JSON.stringify(result) : describe(result));
      }
      if (!options.dryRun)
        for (const { item, outcome: rolled } of worked)
          await (notifier ??= wireCliNotifier(wired)).deliver(rolled, noticeEventOf(item));
    }
  }
  return status;
};
