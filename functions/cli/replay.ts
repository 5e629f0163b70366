/**
 * `deckhand replay <event.json>... [--config F] [--dry-run] [--json]`: runs the Lambdas' use cases in-process
 * against the AWS endpoint from the standard SDK environment.
 * Exit: 0 every event handled (ignored and planned included), 2 rejected input, 1 a failure.
 */
import { createCloudWatchClient } from '#adapters/aws-clients.ts';
import { createAlarmsAdapter } from '#adapters/cloudwatch.ts';
import { type Notifier, selfRoles, wireDeployDeps, wireNotifier } from '#adapters/wiring.ts';
import { errorMessage } from '#core/errors.ts';
import { eventIdOf } from '#core/events/parse-event.ts';
import type { Outcome } from '#core/outcome.ts';
import { readJsonFile } from './read-json.ts';
import { routeEvent } from './route.ts';

export interface ReplayOptions {
  files: string[];
  config?: string;
  dryRun: boolean;
  json: boolean;
}

const describe = (outcome: Outcome): string => {
  const lines = [
    `${outcome.eventId}  ${outcome.detailType}  ${outcome.outcome}${outcome.reason ? `  (${outcome.reason})` : ''}`,
  ];
  for (const action of outcome.actions as Record<string, string | undefined>[]) {
    const target = [action.cluster, action.service].filter(Boolean).join('/');
    lines.push(
      `  ${target}  ${action.status ?? ''}  ${action.from ?? ''} → ${action.to ?? ''}  ${action.reason ?? ''}`.trimEnd(),
    );
  }
  return lines.join('\n');
};

export const replay = async (options: ReplayOptions, write: (line: string) => void): Promise<number> => {
  let deployDeps: ReturnType<typeof wireDeployDeps> | undefined;
  const deps = {
    deploy: () => {
      deployDeps ??= wireDeployDeps({
        ...(options.config ? { configPath: options.config } : {}),
        dryRun: options.dryRun,
      });
      return deployDeps;
    },
    audit: () => ({ ...deps.deploy(), selfRoles: selfRoles() }),
    rollout: () => ({ ...deps.deploy(), alarms: createAlarmsAdapter(createCloudWatchClient()) }),
  };
  let notifier: Notifier | undefined;
  const wireNotifierOnce = () => (notifier ??= wireNotifier(deps.deploy()));
  let status = 0;
  for (const file of options.files) {
    const parsed = readJsonFile(file);
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
      let outcome: Outcome;
      try {
        outcome = await routeEvent(event, deps);
        // As the Lambdas do: tell the teams after the outcome is recorded (never on a dry run).
        if (!options.dryRun) await wireNotifierOnce().deliver(outcome, event);
      } catch (error) {
        outcome = {
          eventId: eventIdOf(event),
          detailType: detailTypeOf(event),
          outcome: 'failed',
          actions: [],
          reason: errorMessage(error),
        };
      }
      if (outcome.outcome === 'rejected') status = Math.max(status, 2);
      if (outcome.outcome === 'failed') status = status === 2 ? 2 : 1;
      write(options.json ? JSON.stringify(outcome) : describe(outcome));
    }
  }
  return status;
};

const detailTypeOf = (event: unknown): string => {
  const value = (event as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value : '(none)';
};
