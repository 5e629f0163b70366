/**
 * LedgerPort on Deckhand's DynamoDB table (single-table design):
 *   pk `svc#<cluster>/<service>`  sk `head`              what the service should run (newest deploy that won)
 *   pk `svc#<cluster>/<service>`  sk `rollout#<digest>`  one rollout per (service, digest)
 *   pk `svc#<cluster>/<service>`  sk `lock`              short lease serialising head check + UpdateService
 *   pk `reg#<family:rev>#<digest>#<containers>` sk `reg` the revision registered for that rewrite
 *   pk `scan#<digest>`             sk `scan`             IMG-003: the digest's latest scan counts
 *   pk `scan#<digest>`             sk `pending#<event>`  a push waiting for that scan
 *   pk `audit#<resource ARN>`      sk `<time>#<event>`   guardrail findings on a change made outside Deckhand
 *   pk `svc#<cluster>/<service>`  sk `foreign#<id>`      a deployment Deckhand did not start
 *   pk `svc#<cluster>/<service>`  sk `pause`             automation held after a rollback
 *   pk `svc#<cluster>/<service>`  sk `stop#<time>#<task>` a failing task stop (crash-loop window)
 *   pk `svc#<cluster>/<service>`  sk `crashloop`         the one crash-loop alert per window
 *   pk `task#<task ARN>`          sk `v<version>`        dedupe of task state events
 *   pk `notice#<id>`               sk `notice`           a notification already sent
 *   pk `msg#<thread>`              sk `<destination>`    the Slack message a rollout's thread lives in
 *   pk `svc#<cluster>/<service>`  sk `drift`             what the last drift report said
 * Items that only matter for a while carry `ttl` (epoch seconds).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransientError } from '#core/errors.ts';
import type { ScanRecord } from '#core/guardrails/scan-gate.ts';
import type {
  AuditRecord,
  ClaimResult,
  DriftState,
  Clock,
  FailingStop,
  LedgerPort,
  Pause,
  RolloutRecord,
  ServiceHead,
} from '#core/ports.ts';
import { isTransientAwsError } from './aws-clients.ts';

const day = 24 * 60 * 60;
const rolloutRetentionDays = 400;

const servicePk = (serviceKey: string) => `svc#${serviceKey}`;
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = item;
  return rest as T;
};

const wrap = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
  try {
    return await send();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    if (isTransientAwsError(error))
      throw new TransientError(`DynamoDB ${operation}: ${(error as Error).message}`, { cause: error });
    throw error;
  }
};

export const createDynamoDbLedger = (
  documents: DynamoDBDocumentClient,
  table: string,
  clock: Clock,
): LedgerPort => ({
  async getHead(serviceKey) {
    const { Item } = await wrap('GetItem head', () =>
      documents.send(
        new GetCommand({
          TableName: table,
          Key: { pk: servicePk(serviceKey), sk: 'head' },
          ConsistentRead: true,
        }),
      ),
    );
    return strip<ServiceHead>(Item);
  },

  async putHead(head, expectedVersion) {
    try {
      await wrap('PutItem head', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: { pk: servicePk(head.serviceKey), sk: 'head', ...head },
            ConditionExpression:
              expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
            ...(expectedVersion === undefined
              ? {}
              : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async getRollout(serviceKey, digest) {
    const { Item } = await wrap('GetItem rollout', () =>
      documents.send(
        new GetCommand({
          TableName: table,
          Key: { pk: servicePk(serviceKey), sk: `rollout#${digest}` },
          ConsistentRead: true,
        }),
      ),
    );
    return strip<RolloutRecord>(Item);
  },

  async claimRollout(record): Promise<ClaimResult> {
    const now = clock.now();
    try {
      await wrap('PutItem claim', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: servicePk(record.serviceKey),
              sk: `rollout#${record.digest}`,
              ...record,
              ttl: epochSeconds(now) + rolloutRetentionDays * day,
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR #status IN (:superseded, :failed, :blocked, :pending) OR ' +
              '(eventId = :eventId AND #status IN (:claimed, :registered) AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':superseded': 'superseded',
              ':failed': 'failed',
              ':blocked': 'blocked',
              ':pending': 'pending',
              ':claimed': 'claimed',
              ':registered': 'registered',
              ':eventId': record.eventId,
              ':now': now.toISOString(),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing =
        strip<RolloutRecord>(error.Item) ?? (await this.getRollout(record.serviceKey, record.digest));
      if (!existing)
        throw new TransientError(`claim on ${record.serviceKey} lost to a record that vanished`, {
          cause: error,
        });
      const busy =
        existing.eventId === record.eventId &&
        (existing.status === 'claimed' || existing.status === 'registered');
      return { claimed: false, busy, existing };
    }
  },

  async updateRollout(serviceKey, digest, patch) {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    await wrap('UpdateItem rollout', () =>
      documents.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: servicePk(serviceKey), sk: `rollout#${digest}` },
          UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(
            entries.map(([field], index) => [`#f${index}`, field]),
          ),
          ExpressionAttributeValues: Object.fromEntries(
            entries.map(([, value], index) => [`:v${index}`, value]),
          ),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  },

  async getRegistration(key) {
    const { Item } = await wrap('GetItem registration', () =>
      documents.send(
        new GetCommand({ TableName: table, Key: { pk: `reg#${key}`, sk: 'reg' }, ConsistentRead: true }),
      ),
    );
    return Item?.taskDefinitionArn as string | undefined;
  },

  async putRegistration(key, taskDefinitionArn) {
    await wrap('PutItem registration', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `reg#${key}`,
            sk: 'reg',
            taskDefinitionArn,
            ttl: epochSeconds(clock.now()) + rolloutRetentionDays * day,
          },
        }),
      ),
    );
  },

  async acquireLock(serviceKey, owner, leaseMs) {
    const now = clock.now();
    try {
      await wrap('PutItem lock', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: servicePk(serviceKey),
              sk: 'lock',
              owner,
              expiresAt: now.getTime() + leaseMs,
              ttl: epochSeconds(now) + Math.ceil(leaseMs / 1000) + day,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async releaseLock(serviceKey, owner) {
    try {
      await wrap('DeleteItem lock', () =>
        documents.send(
          new DeleteCommand({
            TableName: table,
            Key: { pk: servicePk(serviceKey), sk: 'lock' },
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    } catch (error) {
      // Someone took over an expired lease: theirs now, nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },

  async getScan(digest) {
    const { Item } = await wrap('GetItem scan', () =>
      documents.send(
        new GetCommand({ TableName: table, Key: { pk: `scan#${digest}`, sk: 'scan' }, ConsistentRead: true }),
      ),
    );
    return strip<ScanRecord>(Item);
  },

  async putScan(scan) {
    await wrap('PutItem scan', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `scan#${scan.digest}`,
            sk: 'scan',
            ...scan,
            ttl: epochSeconds(clock.now()) + rolloutRetentionDays * day,
          },
        }),
      ),
    );
  },

  async addPendingDeploy(digest, eventId, event) {
    await wrap('PutItem pending', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `scan#${digest}`,
            sk: `pending#${eventId}`,
            eventId,
            event: JSON.stringify(event),
            ttl: epochSeconds(clock.now()) + 30 * day,
          },
        }),
      ),
    );
  },

  async listPendingDeploys(digest) {
    const { Items = [] } = await wrap('Query pending', () =>
      documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pending)',
          ExpressionAttributeValues: { ':pk': `scan#${digest}`, ':pending': 'pending#' },
          ConsistentRead: true,
        }),
      ),
    );
    return Items.map((item) => ({
      eventId: String(item.eventId),
      event: JSON.parse(String(item.event)) as unknown,
    }));
  },

  async removePendingDeploy(digest, eventId) {
    await wrap('DeleteItem pending', () =>
      documents.send(
        new DeleteCommand({ TableName: table, Key: { pk: `scan#${digest}`, sk: `pending#${eventId}` } }),
      ),
    );
  },

  async recordAudit(audit) {
    await wrap('PutItem audit', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `audit#${audit.resource}`,
            sk: `${audit.at}#${audit.eventId}`,
            ...audit,
            ttl: epochSeconds(clock.now()) + rolloutRetentionDays * day,
          },
        }),
      ),
    );
  },

  async listRollouts(serviceKey) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await wrap('Query rollouts', () =>
        documents.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rollout)',
            ExpressionAttributeValues: { ':pk': servicePk(serviceKey), ':rollout': 'rollout#' },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items
      .map((item) => strip<RolloutRecord>(item) as RolloutRecord)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  },

  async transitionRollout(serviceKey, digest, from, patch) {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    try {
      await wrap('UpdateItem rollout transition', () =>
        documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: servicePk(serviceKey), sk: `rollout#${digest}` },
            UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
            ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
            ExpressionAttributeNames: {
              '#status': 'status',
              ...Object.fromEntries(entries.map(([field], index) => [`#f${index}`, field])),
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(from.map((status, index) => [`:from${index}`, status])),
              ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async recordForeignDeployment(serviceKey, deployment) {
    await wrap('PutItem foreign', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: servicePk(serviceKey),
            sk: `foreign#${deployment.deploymentId}`,
            ...deployment,
            ttl: epochSeconds(clock.now()) + rolloutRetentionDays * day,
          },
        }),
      ),
    );
  },

  async getPause(serviceKey) {
    const { Item } = await wrap('GetItem pause', () =>
      documents.send(
        new GetCommand({
          TableName: table,
          Key: { pk: servicePk(serviceKey), sk: 'pause' },
          ConsistentRead: true,
        }),
      ),
    );
    return strip<Pause>(Item);
  },

  async putPause(pause) {
    await wrap('PutItem pause', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: { pk: servicePk(pause.serviceKey), sk: 'pause', ...pause },
        }),
      ),
    );
  },

  async deletePause(serviceKey) {
    await wrap('DeleteItem pause', () =>
      documents.send(
        new DeleteCommand({ TableName: table, Key: { pk: servicePk(serviceKey), sk: 'pause' } }),
      ),
    );
  },

  async markTaskEvent(taskArn, version) {
    try {
      await wrap('PutItem task event', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: { pk: `task#${taskArn}`, sk: `v${version}`, ttl: epochSeconds(clock.now()) + 2 * day },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async recordFailingStop(serviceKey, stop, since) {
    await wrap('PutItem stop', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: servicePk(serviceKey),
            sk: `stop#${stop.at}#${stop.taskArn}`,
            ...stop,
            ttl: epochSeconds(clock.now()) + day,
          },
        }),
      ),
    );
    const { Items = [] } = await wrap('Query stops', () =>
      documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': servicePk(serviceKey),
            ':from': `stop#${since}`,
            ':to': 'stop#~',
          },
          ConsistentRead: true,
        }),
      ),
    );
    return Items.map((item) => strip<FailingStop>(item) as FailingStop);
  },

  async claimCrashLoopAlert(serviceKey, now, until) {
    try {
      await wrap('PutItem crash loop', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: servicePk(serviceKey),
              sk: 'crashloop',
              until,
              ttl: epochSeconds(new Date(until)) + day,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async claimNotice(id) {
    try {
      await wrap('PutItem notice', () =>
        documents.send(
          new PutCommand({
            TableName: table,
            Item: { pk: `notice#${id}`, sk: 'notice', ttl: epochSeconds(clock.now()) + 30 * day },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async getMessageRef(thread, destination) {
    const { Item } = await wrap('GetItem message', () =>
      documents.send(
        new GetCommand({
          TableName: table,
          Key: { pk: `msg#${thread}`, sk: destination },
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? { channel: String(Item.channel), ts: String(Item.ts) } : undefined;
  },

  async putMessageRef(thread, destination, ref) {
    await wrap('PutItem message', () =>
      documents.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `msg#${thread}`, sk: destination, ...ref, ttl: epochSeconds(clock.now()) + 30 * day },
        }),
      ),
    );
  },

  async lastAudit(resource) {
    const { Items = [] } = await wrap('Query audit', () =>
      documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `audit#${resource}` },
          ScanIndexForward: false,
          Limit: 1,
        }),
      ),
    );
    return strip<AuditRecord>(Items[0]);
  },

  async getDriftState(serviceKey) {
    const { Item } = await wrap('GetItem drift', () =>
      documents.send(
        new GetCommand({
          TableName: table,
          Key: { pk: servicePk(serviceKey), sk: 'drift' },
          ConsistentRead: true,
        }),
      ),
    );
    return strip<DriftState>(Item);
  },

  async putDriftState(serviceKey, state) {
    await wrap('PutItem drift', () =>
      documents.send(
        new PutCommand({ TableName: table, Item: { pk: servicePk(serviceKey), sk: 'drift', ...state } }),
      ),
    );
  },

  async deleteDriftState(serviceKey) {
    await wrap('DeleteItem drift', () =>
      documents.send(
        new DeleteCommand({ TableName: table, Key: { pk: servicePk(serviceKey), sk: 'drift' } }),
      ),
    );
  },
});
