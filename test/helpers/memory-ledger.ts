/**
 * An in-memory LedgerPort with the DynamoDB ledger's conditional semantics, for unit tests of the use cases'
 * fault paths. The DynamoDB ledger itself is tested against moto.
 */
import type { ScanRecord } from '#core/guardrails/scan-gate.ts';
import type {
  AuditRecord,
  ClaimResult,
  Clock,
  DriftState,
  FailingStop,
  ForeignDeployment,
  LedgerPort,
  MessageRef,
  Pause,
  RolloutRecord,
  RolloutStatus,
  ServiceHead,
} from '#core/ports.ts';

export class MemoryLedger implements LedgerPort {
  readonly heads = new Map<string, ServiceHead>();
  readonly rollouts = new Map<string, RolloutRecord>();
  readonly registrations = new Map<string, string>();
  readonly scans = new Map<string, ScanRecord>();
  readonly audits: AuditRecord[] = [];
  readonly foreign: { serviceKey: string; deployment: ForeignDeployment }[] = [];
  readonly pauses = new Map<string, Pause>();
  private readonly taskEvents = new Set<string>();
  readonly stops = new Map<string, FailingStop[]>();
  private readonly crashAlerts = new Map<string, string>();
  readonly notices = new Set<string>();
  readonly messageRefs = new Map<string, MessageRef>();
  readonly drift = new Map<string, DriftState>();
  readonly pending = new Map<string, Map<string, unknown>>();
  private readonly locks = new Map<string, { owner: string; expiresAt: number }>();
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  getHead(serviceKey: string) {
    return Promise.resolve(structuredClone(this.heads.get(serviceKey)));
  }

  putHead(head: ServiceHead, expectedVersion: number | undefined) {
    const current = this.heads.get(head.serviceKey);
    if (current?.version !== expectedVersion) return Promise.resolve(false);
    this.heads.set(head.serviceKey, structuredClone(head));
    return Promise.resolve(true);
  }

  getRollout(serviceKey: string, digest: string) {
    return Promise.resolve(structuredClone(this.rollouts.get(`${serviceKey}#${digest}`)));
  }

  claimRollout(record: RolloutRecord): Promise<ClaimResult> {
    const key = `${record.serviceKey}#${record.digest}`;
    const existing = this.rollouts.get(key);
    const now = this.clock.now().toISOString();
    const live = existing?.status === 'claimed' || existing?.status === 'registered';
    const free =
      !existing ||
      existing.status === 'superseded' ||
      existing.status === 'failed' ||
      existing.status === 'blocked' ||
      existing.status === 'pending' ||
      (existing.eventId === record.eventId && live && (existing.leaseUntil ?? '') < now);
    if (free) {
      this.rollouts.set(key, structuredClone(record));
      return Promise.resolve({ claimed: true });
    }
    return Promise.resolve({
      claimed: false,
      busy: existing.eventId === record.eventId && live,
      existing: structuredClone(existing),
    });
  }

  updateRollout(serviceKey: string, digest: string, patch: Partial<RolloutRecord>) {
    const key = `${serviceKey}#${digest}`;
    const existing = this.rollouts.get(key);
    if (!existing) return Promise.reject(new Error(`no rollout ${key}`));
    this.rollouts.set(key, { ...existing, ...patch });
    return Promise.resolve();
  }

  getRegistration(key: string) {
    return Promise.resolve(this.registrations.get(key));
  }

  putRegistration(key: string, taskDefinitionArn: string) {
    this.registrations.set(key, taskDefinitionArn);
    return Promise.resolve();
  }

  acquireLock(serviceKey: string, owner: string, leaseMs: number) {
    const now = this.clock.now().getTime();
    const lock = this.locks.get(serviceKey);
    if (lock && lock.owner !== owner && lock.expiresAt > now) return Promise.resolve(false);
    this.locks.set(serviceKey, { owner, expiresAt: now + leaseMs });
    return Promise.resolve(true);
  }

  getScan(digest: string) {
    return Promise.resolve(structuredClone(this.scans.get(digest)));
  }

  putScan(scan: ScanRecord) {
    this.scans.set(scan.digest, structuredClone(scan));
    return Promise.resolve();
  }

  addPendingDeploy(digest: string, eventId: string, event: unknown) {
    const waiting = this.pending.get(digest) ?? new Map<string, unknown>();
    waiting.set(eventId, structuredClone(event));
    this.pending.set(digest, waiting);
    return Promise.resolve();
  }

  listPendingDeploys(digest: string) {
    return Promise.resolve(
      [...(this.pending.get(digest) ?? new Map<string, unknown>())].map(([eventId, event]) => ({
        eventId,
        event,
      })),
    );
  }

  removePendingDeploy(digest: string, eventId: string) {
    this.pending.get(digest)?.delete(eventId);
    return Promise.resolve();
  }

  listRollouts(serviceKey: string) {
    return Promise.resolve(
      [...this.rollouts.values()]
        .filter((r) => r.serviceKey === serviceKey)
        .map((r) => structuredClone(r))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    );
  }

  transitionRollout(
    serviceKey: string,
    digest: string,
    from: RolloutStatus[],
    patch: Partial<RolloutRecord>,
  ) {
    const key = `${serviceKey}#${digest}`;
    const existing = this.rollouts.get(key);
    if (!existing || !from.includes(existing.status)) return Promise.resolve(false);
    this.rollouts.set(key, { ...existing, ...patch });
    return Promise.resolve(true);
  }

  recordForeignDeployment(serviceKey: string, deployment: ForeignDeployment) {
    this.foreign.push({ serviceKey, deployment });
    return Promise.resolve();
  }

  getPause(serviceKey: string) {
    return Promise.resolve(structuredClone(this.pauses.get(serviceKey)));
  }

  putPause(pause: Pause) {
    this.pauses.set(pause.serviceKey, structuredClone(pause));
    return Promise.resolve();
  }

  deletePause(serviceKey: string) {
    this.pauses.delete(serviceKey);
    return Promise.resolve();
  }

  markTaskEvent(taskArn: string, version: number) {
    const key = `${taskArn}#${version}`;
    if (this.taskEvents.has(key)) return Promise.resolve(false);
    this.taskEvents.add(key);
    return Promise.resolve(true);
  }

  recordFailingStop(serviceKey: string, stop: FailingStop, since: string) {
    const stops = [...(this.stops.get(serviceKey) ?? []), stop];
    this.stops.set(serviceKey, stops);
    return Promise.resolve(stops.filter((s) => s.at >= since));
  }

  claimCrashLoopAlert(serviceKey: string, now: string, until: string) {
    const held = this.crashAlerts.get(serviceKey);
    if (held && held >= now) return Promise.resolve(false);
    this.crashAlerts.set(serviceKey, until);
    return Promise.resolve(true);
  }

  claimNotice(id: string) {
    if (this.notices.has(id)) return Promise.resolve(false);
    this.notices.add(id);
    return Promise.resolve(true);
  }

  getMessageRef(thread: string, destination: string) {
    return Promise.resolve(this.messageRefs.get(`${thread}|${destination}`));
  }

  putMessageRef(thread: string, destination: string, ref: MessageRef) {
    this.messageRefs.set(`${thread}|${destination}`, ref);
    return Promise.resolve();
  }

  lastAudit(resource: string) {
    return Promise.resolve(this.audits.filter((a) => a.resource === resource).at(-1));
  }

  getDriftState(serviceKey: string) {
    return Promise.resolve(this.drift.get(serviceKey));
  }

  putDriftState(serviceKey: string, state: DriftState) {
    this.drift.set(serviceKey, state);
    return Promise.resolve();
  }

  deleteDriftState(serviceKey: string) {
    this.drift.delete(serviceKey);
    return Promise.resolve();
  }

  recordAudit(audit: AuditRecord) {
    this.audits.push(structuredClone(audit));
    return Promise.resolve();
  }

  releaseLock(serviceKey: string, owner: string) {
    if (this.locks.get(serviceKey)?.owner === owner) this.locks.delete(serviceKey);
    return Promise.resolve();
  }
}

/** A clock that only moves when told; sleeping advances it. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = Date.parse('2026-11-24T10:00:00Z')) {
    this.current = start;
  }
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current += ms;
  }
  sleep(ms: number) {
    this.current += ms;
    return Promise.resolve();
  }
}
