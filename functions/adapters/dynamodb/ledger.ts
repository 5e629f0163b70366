/**
 * The ledger's stores on Deckhand's DynamoDB table (single-table design):
 *   pk `svc#<cluster>/<service>`  sk `head`              what the service should run (newest deploy that won)
 *   pk `svc#<cluster>/<service>`  sk `rollout#<digest>`  one rollout per (service, digest)
 *   pk `svc#<cluster>/<service>`  sk `lock`              short lease serialising head check + UpdateService
 *   pk `reg#<family:rev>#<image>#<containers>` sk `reg`  the revision registered for that rewrite
 *   pk `scan#<digest>`             sk `scan`             IMG-003: the digest's latest scan counts
 *   pk `scan#<digest>`             sk `pending#<event>`  a push waiting for that scan
 *   pk `audit#<resource ARN>`      sk `<time>#<event>`   guardrail findings on a change made outside Deckhand
 *   pk `svc#<cluster>/<service>`  sk `foreign#<id>`      a deployment Deckhand did not start
 *   pk `svc#<cluster>/<service>`  sk `pause`             automation held after a rollback
 *   pk `svc#<cluster>/<service>`  sk `admission#<exec>#<stage>` a lifecycle hook's decision
 *   pk `svc#<cluster>/<service>`  sk `stop#<time>#<task>` a failing task stop (crash-loop window)
 *   pk `svc#<cluster>/<service>`  sk `crashloop`         the one crash-loop alert per window
 *   pk `task#<task ARN>`          sk `v<version>`        dedupe of task state events
 *   pk `notice#<id>`               sk `notice`           a notification already sent
 *   pk `msg#<thread>`              sk `<destination>`    the Slack message a rollout's thread lives in
 *   pk `svc#<cluster>/<service>`  sk `drift`             what the last drift report said
 *   pk `promotions`                sk `<pipeline>#<digest>` a promotion (one partition: the timer lists it)
 *   pk `freezes`                   sk `freeze#<pipeline>` an ad hoc freeze (`*`: every pipeline)
 *   pk `freezes`                   sk `held#<pipeline>#<digest>` a deploy held back by a freeze
 * Items that only matter for a while carry `ttl` (epoch seconds); each store says how long.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#core/ports/clock.ts';
import type { Ledger } from '#core/ports/stores.ts';
import { createAuditStore } from './audit-store.ts';
import { createCrashLoopStore } from './crash-loop-store.ts';
import { createDriftStore } from './drift-store.ts';
import { createAdmissionStore } from './admission-store.ts';
import { createFreezeStore } from './freeze-store.ts';
import { createHeadStore } from './head-store.ts';
import { createLedgerReads } from './ledger-reads.ts';
import { createNoticeStore } from './notice-store.ts';
import { createPauseStore } from './pause-store.ts';
import { createPromotionStore } from './promotion-store.ts';
import { createRegistrationStore } from './registration-store.ts';
import { createRolloutStore } from './rollout-store.ts';
import { createScanStore } from './scan-store.ts';
import { createLedgerTable } from './table.ts';

export const createDynamoDbLedger = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
): Ledger => {
  const table = createLedgerTable(documents, tableName, clock);
  return {
    heads: createHeadStore(table),
    rollouts: createRolloutStore(table),
    registrations: createRegistrationStore(table),
    scans: createScanStore(table),
    audits: createAuditStore(table),
    notices: createNoticeStore(table),
    crashLoops: createCrashLoopStore(table),
    drift: createDriftStore(table),
    pauses: createPauseStore(table),
    promotions: createPromotionStore(table),
    freezes: createFreezeStore(table),
    admissions: createAdmissionStore(table),
    reads: createLedgerReads(table),
  };
};
