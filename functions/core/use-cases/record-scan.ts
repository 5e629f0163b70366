/**
 * Scan finished: record the digest's severity counts (IMG-003) and resume the pushes that waited for them.
 *
 * Primary course:
 *  1. Parse an "ECR Image Scan" or "Inspector2 Scan" event; a scan still running is ignored.
 *  2. Record the counts for the digest (absent severities are 0); a failed scan is recorded as failed.
 *  3. Re-run every push parked as `pending` on this digest through the deploy use case, which now finds the
 *     scan and deploys, blocks or warns; a push still pending stays parked.
 *
 * Alternate courses: a malformed event is `rejected`; a resumed push that throws is left parked and the
 * error thrown, so EventBridge retries the scan event.
 */
import { acceptEvent } from '../events/parse-event.ts';
import { scanEventSchema } from '../events/scan.ts';
import { type ScanRecord, type SeverityCounts, scanSeverities } from '../guardrails/scan-gate.ts';
import { type DeployOutcome, type ScanOutcome } from '../outcome.ts';
import { type DeployDeps, handleImageAction } from './deploy-image.ts';
import { placeOf, registryOf, siteAt, unknownAccountReason } from '../sites.ts';

const completeStatuses = new Set(['COMPLETE', 'INITIAL_SCAN_COMPLETE', 'ACTIVE']);
const failedStatuses = new Set(['FAILED', 'UNSUPPORTED_IMAGE', 'SCAN_ELIGIBILITY_EXPIRED']);

export const recordScan = async (input: unknown, deps: DeployDeps): Promise<ScanOutcome> => {
  const accepted = acceptEvent('scan', scanEventSchema, input, deps.log);
  if (!accepted.ok) return accepted.rejected;
  const { event, base } = accepted;
  const { detail } = event;
  // A scan speaks only for the registries of its own account: one Deckhand tracks.
  if (!siteAt(deps, event.account, event.region).known)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: unknownAccountReason(event.account, event.region),
    };
  const tracked = deps.config.pipelines.some((pipeline) => {
    const registry = placeOf(deps, registryOf(deps, pipeline));
    return pipeline.repository && registry.account === event.account && registry.region === event.region;
  });
  if (!tracked)
    return {
      ...base,
      outcome: 'ignored',
      actions: [],
      reason: `account ${event.account} (${event.region}) holds no repository Deckhand tracks`,
    };
  const status = detail['scan-status'].toUpperCase();
  if (!completeStatuses.has(status) && !failedStatuses.has(status)) {
    deps.log.info('scan not finished', { eventId: event.id, status });
    return { ...base, outcome: 'ignored', actions: [], reason: `scan status ${status}` };
  }
  const counts: SeverityCounts = {};
  for (const severity of scanSeverities) {
    const count = detail['finding-severity-counts'][severity];
    if (count !== undefined) counts[severity] = count;
  }
  const scan: ScanRecord = {
    digest: detail['image-digest'],
    status: completeStatuses.has(status) ? 'complete' : 'failed',
    counts,
    source: event.source === 'aws.inspector2' ? 'inspector2' : 'ecr-basic',
    scannedAt: event.time,
  };
  await deps.ledger.scans.put(scan);
  deps.log.info('scan recorded', { eventId: event.id, digest: scan.digest, status: scan.status, counts });

  const resumed: DeployOutcome[] = [];
  for (const waiting of await deps.ledger.scans.parked(scan.digest)) {
    if ((waiting.event as { account?: unknown } | null)?.account !== event.account) continue;
    const outcome = await handleImageAction(waiting.event, deps);
    resumed.push(outcome);
    if (outcome.outcome !== 'pending') await deps.ledger.scans.unpark(scan.digest, waiting.eventId);
  }
  return {
    ...base,
    outcome: 'recorded',
    actions: resumed,
    reason: `${scan.status} scan of ${scan.digest}${resumed.length > 0 ? `; resumed ${resumed.length} push(es)` : ''}`,
  };
};
