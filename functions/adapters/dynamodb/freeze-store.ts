/**
 * Ad hoc freezes (pk `freezes`, sk `freeze#<pipeline>`, kept a day past `until`) and the deploys they hold
 * back (sk `held#<pipeline>#<digest>`, a re-hold overwrites), in one partition listed whole.
 */
import type { Freeze, HeldDeploy } from '#core/ports/records.ts';
import type { FreezeStore } from '#core/ports/stores.ts';
import type { LedgerTable } from './table.ts';

const freezesPk = 'freezes';
export const freezeKey = (pipeline: string) => ({ pk: freezesPk, sk: `freeze#${pipeline}` });
const heldKey = (pipeline: string, digest: string) => ({ pk: freezesPk, sk: `held#${pipeline}#${digest}` });

/** A held deploy outlives any freeze it waits for; one left past a month is stale. */
const heldDays = 30;

export const createFreezeStore = (table: LedgerTable): FreezeStore => ({
  list: () => table.query<Freeze>(freezesPk, { beginsWith: 'freeze#' }),

  async put(freeze) {
    await table.put({ ...freezeKey(freeze.pipeline), ...freeze, ttl: table.ttl(1, new Date(freeze.until)) });
  },

  async delete(pipeline) {
    await table.delete(freezeKey(pipeline));
  },

  async hold(held) {
    await table.put({ ...heldKey(held.pipeline, held.digest), ...held, ttl: table.ttl(heldDays) });
  },

  held: () => table.query<HeldDeploy>(freezesPk, { beginsWith: 'held#' }),

  async release(pipeline, digest) {
    await table.delete(heldKey(pipeline, digest));
  },
});
