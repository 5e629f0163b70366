/** Real-shaped EventBridge events from events/, a fresh deep copy on every call so tests can mutate them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBridgeEvent } from 'aws-lambda';
import { projectRoot } from '../../scripts/lib/moto.ts';

export type EventSource =
  'aws.ecr' | 'aws.ecs' | 'aws.inspector2' | 'aws.cloudwatch' | 'aws.events' | 'aws.s3';
/** `<source>/<file name without .json>`, e.g. `aws.ecr/image-action-push-success`. */
export type EventName = `${EventSource}/${string}`;
export type AnyEvent = EventBridgeEvent<string, Record<string, unknown>>;

const eventsDir = join(projectRoot, 'events');

export const loadEvent = <T = AnyEvent>(name: EventName): T =>
  JSON.parse(readFileSync(join(eventsDir, `${name}.json`), 'utf8')) as T;

/** Every event file under events/, as `EventName`s. */
export const allEventNames = (): EventName[] =>
  readdirSync(eventsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(join(eventsDir, dir.name))
        .filter((file) => file.endsWith('.json'))
        .map((file) => `${dir.name}/${file.slice(0, -'.json'.length)}` as EventName),
    )
    .sort();

/** A payload ECS sends a lifecycle hook directly (events/direct/ecs-lifecycle-hook/<name>.json). */
export const loadHookPayload = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(eventsDir, 'direct', 'ecs-lifecycle-hook', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
