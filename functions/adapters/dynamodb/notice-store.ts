/** Sent notices (pk `notice#<id>`) and the Slack messages of rollout threads (pk `msg#<thread>`). */
import type { MessageRef } from '#core/ports/records.ts';
import type { NoticeStore } from '#core/ports/stores.ts';
import type { LedgerTable } from './table.ts';

/** Threads and duplicate deliveries both end within days; a month is a wide margin. */
const noticeDays = 30;

export const createNoticeStore = (table: LedgerTable): NoticeStore => ({
  async claim(id) {
    const { written } = await table.put(
      { pk: `notice#${id}`, sk: 'notice', ttl: table.ttl(noticeDays) },
      { expression: 'attribute_not_exists(pk)' },
    );
    return written;
  },

  async release(id) {
    await table.delete({ pk: `notice#${id}`, sk: 'notice' });
  },

  async getMessageRef(thread, destination) {
    const item = await table.get<MessageRef>({ pk: `msg#${thread}`, sk: destination });
    return item && { channel: String(item.channel), ts: String(item.ts) };
  },

  async putMessageRef(thread, destination, ref) {
    await table.put({ pk: `msg#${thread}`, sk: destination, ...ref, ttl: table.ttl(noticeDays) });
  },
});
