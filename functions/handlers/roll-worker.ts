/** Lambda: SQS work items from a deploy that fanned out → roll each service through the one roll operation. */
import { loadConfigFile } from '#adapters/config-file.ts';
import { rollWorkerEcsShare, rollWorkerHandler } from '#adapters/roll-worker.ts';
import { homeFromEnv } from '#adapters/site-clients.ts';
import { wireCore, wireNotifier } from '#adapters/wiring.ts';

const wired = wireCore(loadConfigFile(), homeFromEnv(), { ecsShare: rollWorkerEcsShare() });
export const handler = rollWorkerHandler(wired, wireNotifier(wired));
