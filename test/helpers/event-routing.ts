/**
 * Which events a synthesized EventBridge pattern routes, decided by moto's EventBridge (moto has no
 * TestEventPattern): a rule with the pattern on the default bus targets an SQS queue, each event is put
 * with a marker in `resources`, and the markers that arrive are the routed ones.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { projectRoot } from '../../scripts/lib/moto.ts';
import { allEventNames, loadEvent } from './load-event.ts';

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

/**
 * Where each event is delivered, given rules grouped by target: every target gets a queue, every pattern
 * a rule on the default bus. Answers, per event, the sorted targets it reached.
 */
export const deliveredTo = async (
  rulesByTarget: Record<string, unknown[]>,
  events: readonly RawEvent[],
): Promise<string[][]> => {
  const bridge = new EventBridgeClient({});
  const sqs = new SQSClient({});
  const run = randomUUID().slice(0, 8);
  const queues: [string, string][] = [];
  for (const [target, patterns] of Object.entries(rulesByTarget)) {
    const name = `deliver-${run}-${target}`.slice(0, 80);
    const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    queues.push([target, queueUrl]);
    for (const [index, pattern] of patterns.entries()) {
      const rule = `${name}-${index}`.slice(0, 64);
      await bridge.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify(pattern) }));
      await bridge.send(
        new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }),
      );
    }
  }
  for (let start = 0; start < events.length; start += 10) {
    await bridge.send(
      new PutEventsCommand({
        Entries: events.slice(start, start + 10).map((event, offset) => ({
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
          Resources: [`${run}:${start + offset}`],
        })),
      }),
    );
  }
  const reached = events.map(() => new Set<string>());
  for (const [target, queueUrl] of queues) {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const resources = (JSON.parse(message.Body ?? '{}') as { resources?: string[] }).resources ?? [];
        for (const marker of resources) reached[Number(marker.split(':')[1])]?.add(target);
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
  return reached.map((set) => [...set].sort());
};

/** A sample event: ours (events/) and the shared real ones (../shared/aws-events). */
export interface RoutingSample {
  name: string;
  event: { source: string; 'detail-type': string; detail: unknown };
}

const sharedDir = join(projectRoot, '..', 'shared', 'aws-events');

/** Every sample event, ours and the shared ones, by name. */
export const routingSamples = (): RoutingSample[] => [
  ...allEventNames().map((name) => ({ name, event: loadEvent<RoutingSample['event']>(name) })),
  ...(existsSync(sharedDir)
    ? readdirSync(sharedDir)
        .filter((file) => file.endsWith('.json'))
        .map((file) => ({
          name: `shared/${file}`,
          event: JSON.parse(readFileSync(join(sharedDir, file), 'utf8')) as RoutingSample['event'],
        }))
    : []),
];
