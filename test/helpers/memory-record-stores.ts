/**
 * The in-memory stores other than heads and rollouts (see memory-stores.ts), and the copy helpers they all
 * share. Each mirrors its DynamoDB store's keys: a put on an existing key overwrites it.
 */
import { RecordNotFoundError } from '#adapters/dynamodb/items.ts';
import type { PromotionStatus, RolloutRecord } from '#core/ports/records.ts';
import {
  type AuditStore,
  type CrashLoopStore,
  type DriftStore,
  type FreezeStore,
  type LedgerReads,
  type NoticeStore,
  type PauseStore,
  type PromotionStore,
  type RegistrationStore,
  rolloutId,
  type ScanStore,
  type AdmissionStore,
} from '#core/ports/stores.ts';
import type { MemoryState } from './memory-stores.ts';

export const copy = <T>(value: T): T => structuredClone(value);
/** Resolves to a copy, as a read from DynamoDB returns a fresh object. */
export const done = <T>(value: T): Promise<T> => Promise.resolve(copy(value));
/** Only the defined fields of a patch, as the DynamoDB SET leaves undefined ones alone. */
export const defined = <T extends object>(patch: Partial<T>): Partial<T> =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
/** Replaces the element `same` finds, else appends. */
export const upsert = <T>(list: T[], value: T, same: (existing: T) => boolean): void => {
  const index = list.findIndex(same);
  if (index === -1) list.push(copy(value));
  else list[index] = copy(value);
};
/** Code-unit order, as DynamoDB sorts string keys (equal to byte order for the ASCII keys used). */
export const byKey =
  <T>(key: (value: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export const memoryRegistrations = (state: MemoryState): RegistrationStore => ({
  get: (key) => done(state.registrations.get(key)),
  put(key, taskDefinitionArn, registered) {
    const ids = (registered?.rollouts ?? []).map((r) => rolloutId(r.serviceKey, r.digest));
    const missing = ids.find((id) => !state.rollouts.has(id));
    if (missing) return Promise.reject(new RecordNotFoundError(`no rollout ${missing}`));
    for (const each of typeof key === 'string' ? [key] : key)
      state.registrations.set(each, taskDefinitionArn);
    for (const id of ids) {
      const rollout = state.rollouts.get(id) as RolloutRecord;
      state.rollouts.set(id, {
        ...rollout,
        status: 'registered',
        toTaskDefinition: taskDefinitionArn,
        updatedAt: registered?.updatedAt ?? rollout.updatedAt,
      });
    }
    return done(undefined);
  },
});

/** The batch read: each store's records by the same keys (a `*` freeze always comes along). */
export const memoryReads = (state: MemoryState): LedgerReads => ({
  read(keys) {
    const pick = <K, V>(source: Map<K, V>, wanted: readonly K[] = []) =>
      new Map(wanted.flatMap((key) => (source.has(key) ? [[key, source.get(key) as V] as const] : [])));
    const pipelines = keys.freezes ? new Set([...keys.freezes, '*']) : new Set<string>();
    return done({
      heads: pick(state.heads, keys.heads),
      pauses: pick(state.pauses, keys.pauses),
      rollouts: pick(
        state.rollouts,
        (keys.rollouts ?? []).map((r) => rolloutId(r.serviceKey, r.digest)),
      ),
      registrations: pick(state.registrations, keys.registrations),
      freezes: inKeyOrder(state.freezes).filter((freeze) => pipelines.has(freeze.pipeline)),
      scans: pick(state.scans, keys.scans),
      drift: pick(state.drift, keys.drift),
    });
  },
});

export const memoryScans = (state: MemoryState): ScanStore => ({
  get: (digest) => done(state.scans.get(digest)),
  put(scan) {
    state.scans.set(scan.digest, copy(scan));
    return done(undefined);
  },
  park(digest, { eventId, event }) {
    const parked = state.parked.get(digest) ?? new Map<string, unknown>();
    // Stored as JSON text in DynamoDB, so what comes back is what JSON keeps.
    parked.set(eventId, JSON.parse(JSON.stringify(event)));
    state.parked.set(digest, parked);
    return done(undefined);
  },
  parked(digest) {
    const parked = [...(state.parked.get(digest) ?? new Map<string, unknown>())];
    return done(parked.map(([eventId, event]) => ({ eventId, event })).sort(byKey((push) => push.eventId)));
  },
  unpark(digest, eventId) {
    state.parked.get(digest)?.delete(eventId);
    return done(undefined);
  },
  waiting() {
    const all = [...state.parked].flatMap(([digest, events]) =>
      [...events.keys()].map((eventId) => ({ digest, eventId })),
    );
    return done(all.sort(byKey((p) => `${p.digest}#${p.eventId}`)));
  },
});

export const memoryAudits = (state: MemoryState): AuditStore => {
  const sortKey = (audit: { at: string; eventId: string }) => `${audit.at}#${audit.eventId}`;
  return {
    record(audit) {
      upsert(state.audits, audit, (a) => a.resource === audit.resource && sortKey(a) === sortKey(audit));
      return done(undefined);
    },
    last(resource) {
      return done(
        state.audits
          .filter((audit) => audit.resource === resource)
          .sort(byKey(sortKey))
          .at(-1),
      );
    },
  };
};

export const memoryNotices = (state: MemoryState): NoticeStore => {
  const refKey = (thread: string, destination: string) => `${thread}|${destination}`;
  return {
    claim(id) {
      if (state.notices.has(id)) return done(false);
      state.notices.add(id);
      return done(true);
    },
    release(id) {
      state.notices.delete(id);
      return done(undefined);
    },
    getMessageRef: (thread, destination) => done(state.messageRefs.get(refKey(thread, destination))),
    putMessageRef(thread, destination, ref) {
      state.messageRefs.set(refKey(thread, destination), copy(ref));
      return done(undefined);
    },
  };
};

export const memoryCrashLoops = (state: MemoryState): CrashLoopStore => {
  const sortKey = (stop: { at: string; taskArn: string }) => `${stop.at}#${stop.taskArn}`;
  return {
    markTaskEvent(taskArn, version) {
      const key = `${taskArn}#v${version}`;
      if (state.taskEvents.has(key)) return done(false);
      state.taskEvents.add(key);
      return done(true);
    },
    recordFailingStop(serviceKey, stop, since) {
      const stops = state.stops.get(serviceKey) ?? [];
      upsert(stops, stop, (s) => sortKey(s) === sortKey(stop));
      state.stops.set(serviceKey, stops);
      // The DynamoDB range: sort keys from `stop#<since>` to `stop#~`.
      const window = stops.filter((s) => sortKey(s) >= since && sortKey(s) <= '~');
      return done(window.sort(byKey(sortKey)));
    },
    claimAlert(serviceKey, now, until) {
      const held = state.crashAlerts.get(serviceKey);
      // DynamoDB: `until < :now` frees it, so an alert still holds at its very `until`.
      if (held !== undefined && held >= now) return done(false);
      state.crashAlerts.set(serviceKey, until);
      return done(true);
    },
  };
};

export const memoryDrift = (state: MemoryState): DriftStore => ({
  get: (serviceKey) => done(state.drift.get(serviceKey)),
  put(serviceKey, drift) {
    state.drift.set(serviceKey, copy(drift));
    return done(undefined);
  },
  delete(serviceKey) {
    state.drift.delete(serviceKey);
    return done(undefined);
  },
});

export const memoryPauses = (state: MemoryState): PauseStore => ({
  get: (serviceKey) => done(state.pauses.get(serviceKey)),
  put(pause) {
    state.pauses.set(pause.serviceKey, copy(pause));
    return done(undefined);
  },
  delete(serviceKey) {
    state.pauses.delete(serviceKey);
    return done(undefined);
  },
});

const open: PromotionStatus[] = ['waiting', 'awaiting-approval', 'approved'];
/** A map's values in key order, as a partition comes back from DynamoDB. */
const inKeyOrder = <T>(map: Map<string, T>) => [...map].sort(byKey(([key]) => key)).map(([, value]) => value);

/** Keyed `${pipeline}#${digest}`, the DynamoDB sort key. */
export const memoryPromotions = (state: MemoryState): PromotionStore => {
  const keyOf = (pipeline: string, digest: string) => `${pipeline}#${digest}`;
  return {
    get: (pipeline, digest) => done(state.promotions.get(keyOf(pipeline, digest))),
    create(promotion) {
      const key = keyOf(promotion.pipeline, promotion.digest);
      if (state.promotions.has(key)) return done(false);
      state.promotions.set(key, copy(promotion));
      return done(true);
    },
    transition(pipeline, digest, from, patch) {
      const key = keyOf(pipeline, digest);
      const existing = state.promotions.get(key);
      if (!existing || !from.includes(existing.status)) return done(false);
      state.promotions.set(key, { ...existing, ...copy(defined(patch)) });
      return done(true);
    },
    approve(pipeline, digest, approval) {
      const key = keyOf(pipeline, digest);
      const current = state.promotions.get(key);
      if (
        current?.status !== 'awaiting-approval' ||
        current.approvals.some((a) => a.approver === approval.approver)
      )
        return done({ added: false, promotion: current });
      const after = { ...current, approvals: [...current.approvals, copy(approval)] };
      state.promotions.set(key, after);
      return done({ added: true, promotion: after });
    },
    open: () => done(inKeyOrder(state.promotions).filter((promotion) => open.includes(promotion.status))),
    list: (pipeline) =>
      done(
        inKeyOrder(state.promotions)
          .filter((promotion) => promotion.pipeline === pipeline)
          .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      ),
  };
};

/** One partition in DynamoDB: freezes by pipeline, held deploys by `${pipeline}#${digest}`. */
export const memoryFreezes = (state: MemoryState): FreezeStore => {
  return {
    list: () => done(inKeyOrder(state.freezes)),
    put(freeze) {
      state.freezes.set(freeze.pipeline, copy(freeze));
      return done(undefined);
    },
    delete(pipeline) {
      state.freezes.delete(pipeline);
      return done(undefined);
    },
    hold(held) {
      state.held.set(`${held.pipeline}#${held.digest}`, copy(held));
      return done(undefined);
    },
    held: () => done(inKeyOrder(state.held)),
    release(pipeline, digest) {
      state.held.delete(`${pipeline}#${digest}`);
      return done(undefined);
    },
  };
};

export const memoryAdmissions = (state: MemoryState): AdmissionStore => {
  const key = (serviceKey: string, executionId: string, stage: string) =>
    `${serviceKey}#${executionId}#${stage}`;
  return {
    get: (serviceKey, executionId, stage) => done(state.admissions.get(key(serviceKey, executionId, stage))),
    put(record) {
      state.admissions.set(key(record.serviceKey, record.executionId, record.stage), copy(record));
      return done(undefined);
    },
    list(serviceKey) {
      const all = [...state.admissions.values()].filter((r) => r.serviceKey === serviceKey);
      return done(all.sort((a, b) => b.at.localeCompare(a.at)));
    },
  };
};
