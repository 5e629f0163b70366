/**
 * Which events a synthesized EventBridge pattern routes, decided by moto's EventBridge (moto has no
 * TestEventPattern): a rule with the pattern on the default bus targets an SQS queue, each event is put
 * with a marker in `resources`, and the markers that arrive are the routed ones.
 */
import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

interface RawEvent {
  source: string;
  'detail-type': string;
  detail: unknown;
}

export const routedBy = async (pattern: unknown, events: readonly RawEvent[]): Promise<boolean[]> => {
  const bridge = new EventBridgeClient({});
  const sqs = new SQSClient({});
  const name = `route-${randomUUID().slice(0, 8)}`;
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await bridge.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
  await bridge.send(
    new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }),
  );
  const markers = events.map((_, index) => `${name}:${index}`);
  await bridge.send(
    new PutEventsCommand({
      Entries: events.map((event, index) => ({
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        Resources: [markers[index] as string],
      })),
    }),
  );
  const arrived = new Set<string>();
  for (let poll = 0; poll < 3; poll += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    for (const message of Messages) {
      for (const resource of (JSON.parse(message.Body ?? '{}') as { resources?: string[] }).resources ?? []) {
        arrived.add(resource);
      }
    }
    if (Messages.length === 0) break;
  }
  return markers.map((marker) => arrived.has(marker));
};
