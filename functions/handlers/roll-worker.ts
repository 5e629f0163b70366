/** Lambda: SQS work items from a deploy that fanned out → roll each service through the one roll operation. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { rollWorkerHandler } from '#adapters/roll-worker.ts';
import { wireCore, wireNotifier } from '#adapters/wiring.ts';

const wired = wireCore(loadConfigFile());
export const handler = rollWorkerHandler(wired, wireNotifier(wired));
