/** `deckhand init [--yes]`: creates Deckhand's state table at the configured endpoint (for local use). */
import { createDynamoDbClient, stateTableName } from '#adapters/aws-clients.ts';
import { createStateTable } from '#adapters/state-table.ts';

export const init = async (options: { yes: boolean }, write: (line: string) => void): Promise<number> => {
  if (!process.env.AWS_ENDPOINT_URL && !options.yes) {
    write('refusing: AWS_ENDPOINT_URL is unset, so this would create the table in a real AWS account.');
    write('In AWS, deploy the CDK stack instead; to create the table here anyway, pass --yes.');
    return 2;
  }
  const table = stateTableName();
  const result = await createStateTable(createDynamoDbClient(), table);
  write(`state table ${table}: ${result}`);
  return 0;
};
