/** `deckhand deploy` and `deckhand rollback`: a person's deploy, through the same path as a push. */
import { wireCliNotifier } from '#adapters/slack-wiring.ts';
import type { Outcome } from '#core/outcome.ts';
import { ImageNotKnownError, manualDeploy, manualRollback } from '#core/use-cases/manual-deploy.ts';
import { InputError } from './read-json.ts';
import { wireCli } from './session.ts';

type Write = (line: string) => void;

const who = (as: string | undefined) => as ?? process.env.USER ?? 'cli';

export const deployCommand = async (
  options: {
    config?: string;
    pipeline: string;
    ref: string;
    as?: string;
    breakGlass: boolean;
    reason?: string;
    json: boolean;
  },
  write: Write,
): Promise<number> => {
  if (options.breakGlass && !options.reason)
    throw new InputError('--break-glass needs --reason: it is recorded and announced');
  const deps = await wireCli(options.config);
  let outcome;
  try {
    outcome = await manualDeploy(
      {
        pipeline: options.pipeline,
        ref: options.ref,
        by: who(options.as),
        ...(options.breakGlass && options.reason ? { breakGlass: options.reason } : {}),
      },
      deps,
    );
  } catch (error) {
    if (error instanceof ImageNotKnownError) throw new InputError(error.message, { cause: error });
    throw error;
  }
  await wireCliNotifier(deps).deliver(outcome, { 'detail-type': outcome.detailType });
  write(options.json ? JSON.stringify(outcome) : describe(outcome));
  return outcome.outcome === 'failed' ? 1 : 0;
};

export const rollbackCommand = async (
  options: { config?: string; pipeline: string; to?: string; as?: string; json: boolean },
  write: Write,
): Promise<number> => {
  const deps = await wireCli(options.config);
  const actions = await manualRollback(
    { pipeline: options.pipeline, by: who(options.as), ...(options.to ? { to: options.to } : {}) },
    deps,
  );
  const outcome: Outcome = {
    kind: 'alarm',
    eventId: `rollback:${options.pipeline}:${deps.clock.now().toISOString()}`,
    detailType: 'Deckhand Manual Rollback',
    outcome: actions.some((a) => a.status === 'rolled-back') ? 'rolled-back' : 'ignored',
    actions,
  };
  await wireCliNotifier(deps).deliver(outcome, { 'detail-type': `deckhand rollback (${who(options.as)})` });
  if (options.json) write(JSON.stringify(outcome));
  else for (const a of actions) write(`${a.cluster}/${a.service}  ${a.status}  ${a.reason}`);
  return actions.some((a) => a.status === 'no-known-good') ? 1 : 0;
};

const describe = (outcome: Outcome & { kind: 'deploy' }) =>
  [
    `${outcome.eventId}  ${outcome.outcome}${outcome.reason ? `  (${outcome.reason})` : ''}`,
    ...outcome.actions.map((a) =>
      `  ${a.cluster}/${a.service}  ${a.status}  ${a.from ?? ''} → ${a.to ?? ''}  ${a.reason ?? ''}`.trimEnd(),
    ),
  ].join('\n');
