import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Item access to the state table: what Powertools Idempotency needs (get, put, update, delete) plus the
 * ledger's; `query` only for functions that list rollouts, stops or parked pushes; `transact` for the roll's
 * transactions (a condition check among their writes); `batchRead` for the deploy's one batch read.
 */
export const grantStateAccess = (
  grantee: IGrantable,
  table: ITableV2,
  options: { query?: boolean; transact?: boolean; batchRead?: boolean } = {},
): void => {
  table.grant(
    grantee,
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    ...(options.query ? ['dynamodb:Query'] : []),
    ...(options.transact ? ['dynamodb:ConditionCheckItem'] : []),
    ...(options.batchRead ? ['dynamodb:BatchGetItem'] : []),
  );
};
