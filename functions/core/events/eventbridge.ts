/**
 * The EventBridge envelope, field for field as Powertools Parser's `EventBridgeSchema`, in `zod/mini`:
 * Powertools' module is written in zod's classic API, which keeps all of zod in a bundle.
 */
import * as z from '../zod.ts';

export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
