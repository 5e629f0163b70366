/** `deckhand drift [--json]`: the drift check, on demand. Exit 0 without drift, 3 with drift, 1 on error. */
import { wireCliNotifier } from '#adapters/slack-wiring.ts';
import { placeOf, serviceKeyOf } from '#core/sites.ts';
import { detectDrift } from '#core/use-cases/detect-drift.ts';
import { wireCli } from './session.ts';

export const drift = async (
  options: { config?: string; json: boolean; notify: boolean },
  write: (line: string) => void,
): Promise<number> => {
  const deps = await wireCli(options.config);
  const outcome = await detectDrift(deps, `cli-${new Date().toISOString()}`);
  if (options.notify) await wireCliNotifier(deps).deliver(outcome, { 'detail-type': 'deckhand drift (CLI)' });
  if (options.json) {
    write(
      JSON.stringify({
        drift: outcome.drift.map(
          ({ pipeline, site, cluster, service, kind, expected, actual, fields, since, actor }) => ({
            pipeline,
            ...placeOf(deps, site),
            cluster,
            service,
            kind,
            expected,
            actual,
            fields,
            since,
            ...(actor ? { actor } : {}),
          }),
        ),
      }),
    );
  } else if (outcome.drift.length === 0) {
    write('no drift: every service runs what Deckhand deployed');
  } else {
    for (const d of outcome.drift) {
      write(
        `${d.pipeline}  ${serviceKeyOf(d.cluster, d.service, placeOf(deps, d.site))}  ${d.kind}: expected ${d.expected}, running ${d.actual}` +
          `${d.fields.length > 0 && d.kind === 'config' ? `\n    fields: ${d.fields.join(', ')}` : ''}` +
          `${d.actor ? `\n    changed by ${d.actor}` : ''}`,
      );
    }
  }
  return outcome.drift.length > 0 ? 3 : 0;
};
