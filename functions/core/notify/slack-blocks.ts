/**
 * Block Kit from a Notice. Every string is escaped for mrkdwn (`&`, `<`, `>`), so text from AWS (alarm names,
 * stopped reasons, tags) cannot ping `<!channel>`, mention `<@U…>` or smuggle a link. Slack's limits hold:
 * 50 blocks, 150 characters in a header, 3000 in a section, 2000 in a field; overflow says "…and N more".
 * Buttons become one `actions` block (at most 25 elements, 75 characters of text); a button whose value or
 * action id is over Slack's limit (2000, 255) is left out rather than cut, since a cut value would not decide.
 */
import type { Notice, Tone } from './notice.ts';

export const slackLimits = {
  blocks: 50,
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  text: 3000,
  actions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
} as const;

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const clip = (text: string, limit: number): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;

const icon: Record<Tone, string> = {
  info: ':arrows_counterclockwise:',
  success: ':white_check_mark:',
  warning: ':warning:',
  danger: ':x:',
};

/** Lines packed into sections of at most `section` characters, the last saying how many were left out. */
const packLines = (lines: string[], maxBlocks: number): Record<string, unknown>[] => {
  const blocks: Record<string, unknown>[] = [];
  let current = '';
  let index = 0;
  for (; index < lines.length; index += 1) {
    const line = clip(escapeMrkdwn(lines[index] ?? ''), slackLimits.section - 40);
    if (current.length + line.length + 1 > slackLimits.section - 40) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  const left = lines.length - index;
  if (left > 0) current = `${current}\n_…and ${left} more_`;
  if (current) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return blocks;
};

/** The notice's buttons as one `actions` block, within Slack's limits; none fit: no block. */
const actionsBlock = (buttons: NonNullable<Notice['buttons']>): Record<string, unknown> | undefined => {
  const elements = buttons
    .filter((b) => b.value.length <= slackLimits.buttonValue && b.actionId.length <= slackLimits.actionId)
    .slice(0, slackLimits.actions)
    .map((button) => ({
      type: 'button',
      text: {
        type: 'plain_text',
        text: clip(escapeMrkdwn(button.text), slackLimits.buttonText),
        emoji: true,
      },
      action_id: button.actionId,
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
    }));
  return elements.length > 0 ? { type: 'actions', elements } : undefined;
};

export const renderSlack = (notice: Notice): SlackMessage => {
  const title = clip(notice.title, slackLimits.header);
  const blocks: Record<string, unknown>[] = [
    // Header text is plain_text: Slack does not parse mrkdwn there, so no escaping is needed.
    { type: 'header', text: { type: 'plain_text', text: title, emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`${icon[notice.tone]} ${escapeMrkdwn(notice.summary)}`, slackLimits.section),
      },
    },
  ];
  const fields = notice.fields.slice(0, slackLimits.fields).map((field) => ({
    type: 'mrkdwn',
    text: clip(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`, slackLimits.field),
  }));
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  const linkBlock =
    notice.links.length > 0
      ? {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: clip(
                notice.links
                  .map((l) => `<${escapeMrkdwn(l.url)}|${escapeMrkdwn(l.label).replace(/\|/g, '¦')}>`)
                  .join('  ·  '),
                slackLimits.text,
              ),
            },
          ],
        }
      : undefined;
  const actions = notice.buttons?.length ? actionsBlock(notice.buttons) : undefined;
  const room = slackLimits.blocks - blocks.length - (linkBlock ? 1 : 0) - (actions ? 1 : 0);
  if (notice.details.length > 0) blocks.push(...packLines(notice.details, room));
  if (actions) blocks.push(actions);
  if (linkBlock) blocks.push(linkBlock);
  return { text: clip(escapeMrkdwn(`${notice.title}: ${notice.summary}`), slackLimits.text), blocks };
};
