/**
 * Compile-time proof that core's field lists match the SDK exactly. When an SDK upgrade adds a field to
 * RegisterTaskDefinition or to the described TaskDefinition, `tsc` fails here until the rewrite handles it.
 */
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { READ_ONLY_FIELDS, REGISTERABLE_FIELDS } from '#core/task-definition.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Registerable = (typeof REGISTERABLE_FIELDS)[number];
type ReadOnly = (typeof READ_ONLY_FIELDS)[number];

export const registerFieldsMatchSdk: Same<Registerable | 'tags', keyof RegisterTaskDefinitionCommandInput> =
  true;
export const describedFieldsMatchSdk: Same<Registerable | ReadOnly, keyof TaskDefinition> = true;
