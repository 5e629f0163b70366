/**
 * zod as Deckhand's schemas use it: `zod/mini`, whose functions a bundle takes one by one (the classic API's
 * methods bring all of zod), with zod's English messages, which `zod/mini` leaves out (every issue would say
 * "Invalid input"). Setting them is this module's one side effect: package.json lists it in `sideEffects`.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
