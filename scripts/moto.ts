/** `npm run moto`: start moto in the foreground and print the endpoint for `AWS_ENDPOINT_URL`. */
import { startMoto } from './lib/moto.ts';

const moto = await startMoto((line) => console.error(line));
console.log(`export AWS_ENDPOINT_URL=${moto.endpoint}`);
console.error('press Ctrl-C to stop');
const stop = (): void => {
  void moto.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
