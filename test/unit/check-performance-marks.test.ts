/**
 * `deckhand check` scans for secret values with secretlint, whose profiler, on by default, adds some 70
 * performance marks per scanned task definition to the process's timeline and keeps them until exit. The
 * guardrails turn it off (also for the Lambdas, where it grew without bound); this fails if that stops working.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { check } from '#cli/check.ts';

it('scans for secret values without filling the performance timeline', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'deckhand-marks-')), 'td.json');
  writeFileSync(
    file,
    JSON.stringify({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx:1.27',
          // A GitHub token (made up, and split so no scanner flags this file): a secret whatever the name.
          environment: [{ name: 'UPSTREAM', value: `ghp_${'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5'}` }],
        },
      ],
    }),
  );
  const lines: string[] = [];
  const status = await check({ files: [file], format: 'json', color: false }, (line) => lines.push(line));
  const { findings } = JSON.parse(lines.join('\n')) as { findings: { rule: string; status: string }[] };
  expect(status).toBe(1);
  expect(findings).toContainEqual(expect.objectContaining({ rule: 'TD-010', status: 'fail' }));
  expect(performance.getEntriesByType('mark').map((mark) => mark.name)).toEqual([]);
});
