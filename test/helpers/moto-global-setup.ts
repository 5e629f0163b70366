/** One moto server per vitest project run; test files share it through their own accounts. */
import type { TestProject } from 'vitest/node';
import { motoLogTail, startMoto } from '../../scripts/lib/moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    motoLogFile: string;
  }
}

export const setup = async (project: TestProject): Promise<() => Promise<void>> => {
  const moto = await startMoto((line) => console.error(`[moto] ${line}`));
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('motoLogFile', moto.logFile ?? '');
  return async () => {
    if (process.exitCode && moto.logFile) console.error(`[moto] log tail:\n${motoLogTail(moto.logFile)}`);
    await moto.stop();
  };
};
