/** `deckhand check` on random and broken input: it answers 0, 1 or bad input (exit 2), and never crashes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '#cli/check.ts';
import { InputError } from '#cli/read-json.ts';
import { webTaskDefinition } from '../../scripts/lib/seed.ts';

const numRuns = Math.ceil(Number(process.env.FUZZ_RUNS ?? 10_000) / 20);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const dir = mkdtempSync(join(tmpdir(), 'deckhand-fuzz-check-'));

const outcomeOf = async (content: string): Promise<number | 'input-error'> => {
  const file = join(dir, 'input.json');
  writeFileSync(file, content);
  try {
    return await check({ files: [file], format: 'json', color: false }, () => {});
  } catch (error) {
    if (error instanceof InputError) return 'input-error';
    throw error;
  }
};

/** A task definition or template with random values put at random places. */
const mangled = fc
  .tuple(
    fc.constantFrom<'td' | 'described' | 'template'>('td', 'described', 'template'),
    fc.array(
      fc.tuple(
        fc.array(
          fc.constantFrom(
            'containerDefinitions',
            '0',
            '1',
            'user',
            'image',
            'volumes',
            'linuxParameters',
            'environment',
            'networkMode',
            'pidMode',
            'secrets',
            'capabilities',
            'add',
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.anything(),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([shape, edits]) => {
    const td = webTaskDefinition('fuzz', 'repo/app:1', '123456789012') as unknown as Record<string, unknown>;
    for (const [path, value] of edits) {
      let node: unknown = td;
      for (const key of path.slice(0, -1)) {
        if (node && typeof node === 'object') node = (node as Record<string, unknown>)[key];
      }
      if (node && typeof node === 'object') (node as Record<string, unknown>)[path.at(-1) as string] = value;
    }
    if (shape === 'described') return { taskDefinition: td, tags: [] };
    if (shape === 'template')
      return { Resources: { Task: { Type: 'AWS::ECS::TaskDefinition', Properties: td } } };
    return td;
  });

describe('deckhand check under hostile input', () => {
  it('judges mangled task definitions and templates without crashing', async () => {
    await fc.assert(
      fc.asyncProperty(mangled, async (input) => {
        expect([0, 1, 'input-error']).toContain(await outcomeOf(JSON.stringify(input)));
      }),
      { numRuns, seed },
    );
  });

  it('refuses random JSON and broken text as bad input, never with a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ unit: 'grapheme' }),
        ),
        async (content) => {
          expect([0, 1, 'input-error']).toContain(await outcomeOf(content));
        },
      ),
      { numRuns, seed },
    );
  });
});
