/** A message on the notice queue: one rendered notice for one destination (ports/slack.ts OutgoingNotice). */
import type { OutgoingNotice } from '../ports/slack.ts';
import * as z from '../zod.ts';

const text = z.string().check(z.minLength(1));

const destination = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api'), id: text, channel: text, tokenSecret: text }),
  z.object({ kind: z.literal('webhook'), id: text, urlSecret: text }),
  z.object({ kind: z.literal('webhook-url'), id: text, url: z.url() }),
]);

export const outgoingNoticeSchema = z.object({
  id: text,
  eventId: text,
  thread: z.optional(text),
  destination,
  message: z.object({
    text: z.string(),
    blocks: z.array(z.record(z.string(), z.unknown())),
  }),
});

// The schema and the port's type are one shape: a change to either fails the build here.
export const noticeShape = (notice: z.infer<typeof outgoingNoticeSchema>): OutgoingNotice => notice;
