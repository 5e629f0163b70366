/**
 * `deckhand tick`, `approve`, `decline` and `promotions`: the timers and approval decisions from a terminal,
 * IAM-authenticated (for teams without a Slack app), running the same use cases as the Lambdas.
 */
import { wireCliNotifier } from '#adapters/slack-wiring.ts';
import { promotionAction } from '#core/promotions/actions.ts';
import { decidePromotion } from '#core/use-cases/decide-promotion.ts';
import { runTimers } from '#core/use-cases/run-timers.ts';
import { InputError } from './read-json.ts';
import { wireCli } from './session.ts';

type Write = (line: string) => void;

export const tick = async (options: { config?: string; json: boolean }, write: Write): Promise<number> => {
  const deps = await wireCli(options.config);
  const outcome = await runTimers(deps, `tick-${deps.clock.now().toISOString()}`);
  await wireCliNotifier(deps).deliver(outcome, { 'detail-type': 'deckhand tick' });
  if (options.json) write(JSON.stringify(outcome));
  else if (outcome.actions.length === 0) write('nothing due');
  else
    for (const a of outcome.actions)
      write(`${a.pipeline}  ${a.tag} ${a.digest}  ${a.status}${a.reason ? `  (${a.reason})` : ''}`);
  return 0;
};

export const decide = async (
  options: {
    config?: string;
    pipeline: string;
    ref?: string;
    as?: string;
    reason?: string;
    decision: 'approve' | 'decline';
  },
  write: Write,
): Promise<number> => {
  if (!options.as) throw new InputError(`${options.decision} needs --as <approver's Slack user ID>`);
  const deps = await wireCli(options.config);
  const result = await decidePromotion(
    {
      pipeline: options.pipeline,
      ...(options.ref ? { ref: options.ref } : {}),
      approver: options.as,
      decision: options.decision,
      ...(options.reason ? { reason: options.reason } : {}),
      via: 'cli',
    },
    deps,
  );
  if (result.outcome)
    await wireCliNotifier(deps).deliver(result.outcome, { 'detail-type': `deckhand ${options.decision}` });
  write(`${result.status}: ${result.message}`);
  return ['approved', 'recorded', 'declined', 'duplicate'].includes(result.status) ? 0 : 1;
};

export const promotions = async (
  options: { config?: string; json: boolean },
  write: Write,
): Promise<number> => {
  const deps = await wireCli(options.config);
  const rows = [];
  for (const pipeline of deps.config.pipelines.filter((p) => p.promote))
    for (const promotion of (await deps.ledger.promotions.list(pipeline.name)).slice(-5))
      rows.push({
        ...promotionAction(promotion, deps.config, 'approved'),
        status: promotion.status,
        updatedAt: promotion.updatedAt,
      });
  if (options.json) for (const row of rows) write(JSON.stringify(row));
  else if (rows.length === 0) write('no promotions');
  else
    for (const row of rows)
      write(
        `${row.pipeline} ← ${row.source}  ${row.tag} ${row.digest}  ${row.status}` +
          `${row.required ? `  approvals ${row.approvals?.length ?? 0}/${row.required}` : ''}` +
          `${row.expiresAt && row.status === 'awaiting-approval' ? `  expires ${row.expiresAt}` : ''}`,
      );
  return 0;
};
