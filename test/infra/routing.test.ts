/**
 * Routing through real EventBridge semantics: the synthesized stack's rules are created in moto with one SQS
 * queue per function, every sample event (events/ and ../shared/aws-events) is put on the bus, and each
 * must reach exactly the functions Deckhand's own route table says, and nothing else.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '#cli/config-yaml.ts';
import { handlersFor } from '#core/events/routes.ts';
import { buildApp } from '../../infra/build-app.ts';
import { defaultConfigPath } from '../../infra/deckhand-config.ts';
import { projectRoot } from '../../scripts/lib/moto.ts';
import { deliveredTo, routingSamples } from '../helpers/event-routing.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const config = parseConfigText(readFileSync(join(projectRoot, defaultConfigPath), 'utf8'), 'example');

const samples = routingSamples;

describe('every sample event reaches exactly its functions, through moto’s EventBridge', () => {
  let rulesByFunction: Record<string, unknown[]>;

  beforeAll(() => {
    const { app, stack } = buildApp({
      outdir: mkdtempSync(join(tmpdir(), 'deckhand-routing-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    app.synth();
    const template = Template.fromStack(stack);
    const functions = template.findResources('AWS::Lambda::Function') as Resources;
    const handlerOf = (logicalId: string): string => {
      const description = JSON.stringify(functions[logicalId]?.Properties.Description ?? '');
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
    rulesByFunction = {};
    for (const rule of Object.values(template.findResources('AWS::Events::Rule') as Resources)) {
      if (!rule.Properties.EventPattern) continue;
      const targets = rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[];
      for (const target of targets) {
        const handler = handlerOf(target.Arn['Fn::GetAtt'][0]);
        (rulesByFunction[handler] ??= []).push(rule.Properties.EventPattern);
      }
    }
  });

  it('has a rule for every event-driven function', () => {
    expect(Object.keys(rulesByFunction).sort()).toEqual([
      'alarm',
      'deployment-hook',
      'ecs-change',
      'ecs-events',
      'image-push',
      'image-scan',
    ]);
  });

  it('delivers each sample where the route table says, and nowhere else', async () => {
    const all = samples();
    const routable = all.filter(
      (s) => typeof s.event.source === 'string' && typeof s.event['detail-type'] === 'string',
    );
    expect(routable.length).toBeGreaterThan(30);
    const reached = await deliveredTo(
      rulesByFunction,
      routable.map((s) => s.event),
    );
    const actual = Object.fromEntries(routable.map((s, index) => [s.name, reached[index]]));
    const expected = Object.fromEntries(routable.map((s) => [s.name, handlersFor(s.event, config).sort()]));
    expect(actual).toEqual(expected);
    // And the table itself says what we mean, for the events that matter most.
    expect(expected['aws.ecr/image-action-push-success']).toEqual(['image-push']);
    expect(expected['aws.ecr/image-action-push-failure']).toEqual([]);
    expect(expected['aws.ecs/task-stopped-oom']).toEqual(['ecs-events']);
    expect(expected['aws.ecs/task-state-change-running.awsdocs']).toEqual([]);
    expect(expected['aws.ecs/cloudtrail-update-service']).toEqual(['ecs-change']);
    expect(expected['aws.ecs/hook-state-change-hook-awaiting-action.awsdocs']).toEqual(['deployment-hook']);
    expect(expected['aws.inspector2/scan-complete']).toEqual(['image-scan']);
    expect(expected['aws.inspector2/finding-ecr-image.awsdocs']).toEqual([]);
    expect(expected['aws.cloudwatch/alarm-state-change-single-metric.awsdocs']).toEqual([]);
  });
});
