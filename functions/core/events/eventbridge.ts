/**
 * The EventBridge envelope, field for field as Powertools Parser's `EventBridgeSchema`. Powertools' module
 * reaches zod through its `z` export (`z.iso`), which keeps every zod module and locale in a bundle
 * (~450 KB); through `import * as z` a function carries only the zod it uses.
 */
import * as z from 'zod';

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
  'replay-name': z.string().optional(),
});
