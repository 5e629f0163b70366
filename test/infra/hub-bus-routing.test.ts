/**
 * Hub and spoke through moto's EventBridge. The hub stack's rules, from the synthesized template, are created
 * on moto's default bus and on a `deckhand` bus, each targeting one SQS queue per function. Then:
 * - every sample event (events/ and ../shared/aws-events) put on the `deckhand` bus reaches exactly the
 *   functions Deckhand's route table says, once each (the default bus's twins of the rules stay silent);
 * - the spoke stack's forwarding rules, created in a second moto account with the template's own target (the
 *   hub bus's ARN), carry each sample from the spoke's default bus to the hub bus, and from there to exactly
 *   its functions: nothing the hub routes is lost on the way, nothing it doesn't is forwarded into a function.
 */
import { randomInt, randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
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
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { handlersFor } from '#core/events/routes.ts';
import { testAccount, testRegion } from '../helpers/aws.ts';
import { routingSamples } from '../helpers/event-routing.ts';
import { resourcesOf } from '../helpers/template.ts';
import { arnText, parsed, spokeContext, synth } from './hub-spoke-fixture.ts';

interface Sample {
  name: string;
  event: { source: string; 'detail-type': string; detail: Record<string, unknown> };
}

/** Samples EventBridge can carry as they are: a source, a detail type, and an object detail to mark. */
const samples = (): Sample[] =>
  routingSamples().filter(
    (s): s is Sample =>
      typeof s.event.source === 'string' &&
      typeof s.event['detail-type'] === 'string' &&
      typeof s.event.detail === 'object' &&
      s.event.detail !== null &&
      !Array.isArray(s.event.detail),
  );

const handlerOf = (template: Template, logicalId: string): string => {
  const description = JSON.stringify(
    resourcesOf(template, 'AWS::Lambda::Function')[logicalId]?.Properties.Description,
  );
  const table: [RegExp, string][] = [
    [/deploy a pushed ECR image/, 'image-push'],
    [/record image scan results/, 'image-scan'],
    [/changed outside Deckhand/, 'ecs-change'],
    [/follow rollouts/, 'ecs-events'],
    [/roll back a rollout/, 'alarm'],
    [/admission for ECS deployments/, 'deployment-hook'],
  ];
  return table.find(([pattern]) => pattern.test(description))?.[1] ?? logicalId;
};

const marked = (sample: Sample, marker: string) => ({
  Source: sample.event.source,
  DetailType: sample.event['detail-type'],
  Detail: JSON.stringify({ ...sample.event.detail, deckhandMarker: marker }),
});

const putAll = async (bridge: EventBridgeClient, entries: ReturnType<typeof marked>[], busName?: string) => {
  for (let start = 0; start < entries.length; start += 10) {
    const { FailedEntryCount } = await bridge.send(
      new PutEventsCommand({
        Entries: entries.slice(start, start + 10).map((entry) => ({ ...entry, EventBusName: busName })),
      }),
    );
    expect(FailedEntryCount ?? 0).toBe(0);
  }
};

describe('hub and spoke routing through moto’s EventBridge', () => {
  const run = randomUUID().slice(0, 8);
  const bridge = new EventBridgeClient({});
  const sqs = new SQSClient({});
  const queues = new Map<string, string>();
  let spokeTemplate: Template;

  /** Every marker each queue received since the last drain, counted per function. */
  const drain = async (): Promise<Map<string, string[]>> => {
    const reached = new Map<string, string[]>();
    for (const [handler, queueUrl] of queues) {
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          const marker = (JSON.parse(message.Body ?? '{}') as { detail?: { deckhandMarker?: string } }).detail
            ?.deckhandMarker;
          if (marker) reached.set(marker, [...(reached.get(marker) ?? []), handler]);
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }
    return reached;
  };

  beforeAll(async () => {
    // The hub is the test file's moto account; the spoke forwards to its bus.
    const { hub, spoke } = synth(undefined, {
      ...spokeContext('staging'),
      'deckhand:hub-account': testAccount(),
      'deckhand:hub-region': testRegion(),
    });
    spokeTemplate = spoke as Template;
    const [busId] = Object.keys(resourcesOf(hub, 'AWS::Events::EventBus'));
    const busName = resourcesOf(hub, 'AWS::Events::EventBus')[busId as string]?.Properties.Name as string;
    expect(busName).toBe('deckhand');
    await bridge.send(new CreateEventBusCommand({ Name: busName }));
    const rules = Object.entries(resourcesOf(hub, 'AWS::Events::Rule')).filter(
      ([, rule]) => rule.Properties.EventPattern,
    );
    for (const [ruleId, rule] of rules) {
      const onHubBus = JSON.stringify(rule.Properties.EventBusName) === JSON.stringify({ Ref: busId });
      expect(onHubBus || rule.Properties.EventBusName === undefined, ruleId).toBe(true);
      const targets = rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[];
      const name = `${run}-${ruleId}`.slice(0, 64);
      await bridge.send(
        new PutRuleCommand({
          Name: name,
          EventPattern: JSON.stringify(rule.Properties.EventPattern),
          ...(onHubBus ? { EventBusName: busName } : {}),
        }),
      );
      for (const target of targets) {
        const handler = handlerOf(hub, target.Arn['Fn::GetAtt'][0]);
        if (!queues.has(handler)) {
          const { QueueUrl = '' } = await sqs.send(
            new CreateQueueCommand({ QueueName: `${run}-${handler}` }),
          );
          queues.set(handler, QueueUrl);
        }
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queues.get(handler), AttributeNames: ['QueueArn'] }),
        );
        await bridge.send(
          new PutTargetsCommand({
            Rule: name,
            ...(onHubBus ? { EventBusName: busName } : {}),
            Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }],
          }),
        );
      }
    }
    expect([...queues.keys()].sort()).toEqual([
      'alarm',
      'deployment-hook',
      'ecs-change',
      'ecs-events',
      'image-push',
      'image-scan',
    ]);
  });

  it('delivers each event put on the hub bus to exactly its functions, once', async () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(30);
    await putAll(
      bridge,
      all.map((sample, index) => marked(sample, `hub:${index}`)),
      'deckhand',
    );
    const reached = await drain();
    const actual = Object.fromEntries(
      all.map((s, index) => [s.name, (reached.get(`hub:${index}`) ?? []).sort()]),
    );
    const expected = Object.fromEntries(all.map((s) => [s.name, handlersFor(s.event, parsed()).sort()]));
    expect(actual).toEqual(expected);
    expect(expected['aws.ecr/image-action-push-success']).toEqual(['image-push']);
    expect(expected['aws.ecs/task-stopped-oom']).toEqual(['ecs-events']);
    expect(expected['aws.ecs/cloudtrail-update-service']).toEqual(['ecs-change']);
    expect(expected['aws.ecr/image-action-push-failure']).toEqual([]);
  });

  it('forwards a spoke’s events through its own rules to the hub bus, and on to exactly their functions', async () => {
    const spokeAccount = String(randomInt(100_000_000_000, 999_999_999_999));
    const { Credentials } = await new STSClient({}).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${spokeAccount}:role/spoke`, RoleSessionName: 'spoke' }),
    );
    const spokeBridge = new EventBridgeClient({
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });
    const forwarding = Object.entries(resourcesOf(spokeTemplate, 'AWS::Events::Rule'));
    expect(forwarding.length).toBeGreaterThanOrEqual(8);
    for (const [ruleId, rule] of forwarding) {
      const [target] = rule.Properties.Targets as { Arn: unknown }[];
      const hubBusArn = arnText(target?.Arn);
      expect(hubBusArn).toBe(`arn:aws:events:${testRegion()}:${testAccount()}:event-bus/deckhand`);
      const name = `${run}-${ruleId}`.slice(0, 64);
      await spokeBridge.send(
        new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(rule.Properties.EventPattern) }),
      );
      await spokeBridge.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'hub', Arn: hubBusArn }] }));
    }
    const all = samples();
    await putAll(
      spokeBridge,
      all.map((sample, index) => marked(sample, `spoke:${index}`)),
    );
    const reached = await drain();
    const actual = Object.fromEntries(
      all.map((s, index) => [s.name, (reached.get(`spoke:${index}`) ?? []).sort()]),
    );
    const expected = Object.fromEntries(all.map((s) => [s.name, handlersFor(s.event, parsed()).sort()]));
    expect(actual).toEqual(expected);
    expect(Object.values(actual).filter((handlers) => handlers.length > 0).length).toBeGreaterThanOrEqual(6);
  });
});
