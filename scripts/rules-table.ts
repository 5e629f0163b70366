/** `npm run rules-table`: rewrites the guardrail rule table between its markers in README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesTableMarkdown } from '#core/guardrails/rules-table.ts';
import { projectRoot } from './lib/moto.ts';

const readme = join(projectRoot, 'README.md');
const text = readFileSync(readme, 'utf8');
const updated = text.replace(
  /<!-- rules:start -->[\s\S]*?<!-- rules:end -->/,
  () => `<!-- rules:start -->\n${rulesTableMarkdown()}\n<!-- rules:end -->`,
);
writeFileSync(readme, updated);
console.log('README.md rule table updated');
