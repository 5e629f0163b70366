/** `npm run schema`: writes the config's JSON Schema (generated from the zod schema) for editors. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '#core/config.ts';
import { projectRoot } from './lib/moto.ts';

const target = join(projectRoot, 'infra', 'deckhand.config.schema.json');
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
