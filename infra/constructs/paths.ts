import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const handlerEntry = (name: string): string =>
  join(projectRoot, 'functions', 'handlers', `${name}.ts`);
