import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { projectRoot } from './moto.ts';

/** Runs a project tool in the foreground with the project's own node_modules/.bin (and so Node 24) first. */
export const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}): number => {
  const PATH = [join(projectRoot, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, PATH, ...env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
};
