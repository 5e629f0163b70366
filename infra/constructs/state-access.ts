import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Item access to the state table: what Powertools Idempotency needs (get, put, update, delete) plus the
 * ledger's; `query` only for functions that list rollouts, stops or parked pushes.
 */
export const grantStateAccess = (
  grantee: IGrantable,
  table: ITableV2,
  options: { query?: boolean } = {},
): void => {
  table.grant(
    grantee,
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    ...(options.query ? ['dynamodb:Query'] : []),
  );
};
