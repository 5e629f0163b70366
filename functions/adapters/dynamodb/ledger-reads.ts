/** Several stores' records in one batch read (BatchGetItem), by the keys each store uses. */
import type {
  DriftState,
  Freeze,
  Pause,
  RolloutRecord,
  ScanRecord,
  ServiceHead,
} from '#core/ports/records.ts';
import { type LedgerReads, type LedgerView, rolloutId } from '#core/ports/stores.ts';
import { driftKey } from './drift-store.ts';
import { freezeKey } from './freeze-store.ts';
import { headKey } from './head-store.ts';
import { type Key, strip } from './items.ts';
import { pauseKey } from './pause-store.ts';
import { registrationKey } from './registration-store.ts';
import { rolloutKey } from './rollout-store.ts';
import type { LedgerTable } from './table.ts';

type Place = (view: LedgerView, item: Record<string, unknown>) => void;

export const createLedgerReads = (table: LedgerTable): LedgerReads => ({
  async read(keys) {
    const wanted = new Map<string, Place>();
    const want = (key: Key, place: Place) => wanted.set(`${key.pk}\u0000${key.sk}`, place);
    for (const serviceKey of keys.heads ?? [])
      want(headKey(serviceKey), (view, item) => view.heads.set(serviceKey, item as unknown as ServiceHead));
    for (const serviceKey of keys.pauses ?? [])
      want(pauseKey(serviceKey), (view, item) => view.pauses.set(serviceKey, item as unknown as Pause));
    for (const { serviceKey, digest } of keys.rollouts ?? [])
      want(rolloutKey(serviceKey, digest), (view, item) =>
        view.rollouts.set(rolloutId(serviceKey, digest), item as unknown as RolloutRecord),
      );
    for (const key of keys.registrations ?? [])
      want(registrationKey(key), (view, item) => view.registrations.set(key, String(item.taskDefinitionArn)));
    if (keys.freezes)
      for (const pipeline of new Set([...keys.freezes, '*']))
        want(freezeKey(pipeline), (view, item) => view.freezes.push(item as unknown as Freeze));
    for (const digest of keys.scans ?? [])
      want({ pk: `scan#${digest}`, sk: 'scan' }, (view, item) =>
        view.scans.set(digest, item as unknown as ScanRecord),
      );
    for (const serviceKey of keys.drift ?? [])
      want(driftKey(serviceKey), (view, item) => view.drift.set(serviceKey, item as unknown as DriftState));

    const view: LedgerView = {
      heads: new Map(),
      pauses: new Map(),
      rollouts: new Map(),
      registrations: new Map(),
      freezes: [],
      scans: new Map(),
      drift: new Map(),
    };
    const items = await table.batchGet(
      [...wanted.keys()].map((id) => {
        const [pk = '', sk = ''] = id.split('\u0000');
        return { pk, sk };
      }),
    );
    for (const item of items)
      wanted.get(`${String(item.pk)}\u0000${String(item.sk)}`)?.(view, strip<Record<string, unknown>>(item));
    // In key order, as the freeze store lists them.
    view.freezes.sort((a, b) => (a.pipeline < b.pipeline ? -1 : a.pipeline > b.pipeline ? 1 : 0));
    return view;
  },
});
