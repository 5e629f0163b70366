/**
 * The status view as the CloudWatch custom widget's HTML: the same sections as the page, in the dashboard's
 * theme, with buttons that call the dashboard function back through `<cwdb-action action="call">` (the
 * console sends the action's JSON as the event's top-level fields). No script: CloudWatch strips it.
 */
import { type Html, html, trusted } from './html-escape.ts';
import { type Controls, renderSections, when } from './html-sections.ts';
import { widgetStyle } from './html-style.ts';
import type { StatusView } from './view.ts';

export type WidgetAction =
  | { action: 'resume'; pipeline: string }
  | { action: 'approve' | 'decline'; pipeline: string; digest: string };

export interface WidgetOptions {
  /** The dashboard function's ARN: where the buttons' calls go. */
  endpoint: string;
  theme?: string | undefined;
  /** Who the buttons act as, shown so the viewer knows what is recorded. */
  actor: string;
  /** The name typed in the widget's form, kept across renders. */
  actorName?: string | undefined;
  notice?: { text: string; kind: 'ok' | 'bad' } | undefined;
}

const button = (
  endpoint: string,
  label: string,
  params: WidgetAction,
  confirmation: string,
  primary: boolean,
): Html =>
  html`<button type="button" class="btn${primary ? ' btn-primary' : ''}">${label}</button
    ><cwdb-action action="call" endpoint="${endpoint}" display="widget" confirmation="${confirmation}"
      >${JSON.stringify(params)}</cwdb-action
    >`;

const controlsFor = (options: WidgetOptions): Controls => ({
  resume: (pipeline) =>
    button(
      options.endpoint,
      `Resume ${pipeline.name}`,
      { action: 'resume', pipeline: pipeline.name },
      `Resume ${pipeline.name} as ${options.actor}? Pushes and promotions deploy again.`,
      true,
    ),
  decide: (a) =>
    html`${button(
      options.endpoint,
      'Approve',
      { action: 'approve', pipeline: a.pipeline, digest: a.digest },
      `Approve ${a.tag} (${a.shortDigest}) to ${a.pipeline} as ${options.actor}?`,
      true,
    )}
    ${button(
      options.endpoint,
      'Decline',
      { action: 'decline', pipeline: a.pipeline, digest: a.digest },
      `Decline ${a.tag} (${a.shortDigest}) to ${a.pipeline} as ${options.actor}?`,
      false,
    )}`,
});

export const renderStatusWidget = (view: StatusView, options: WidgetOptions): string =>
  html`<style>
      ${trusted(widgetStyle)}
    </style>
    <div class="deckhand${options.theme === 'dark' ? ' theme-dark' : ''}">
      ${options.notice ? html`<p class="notice ${options.notice.kind}" role="status">${options.notice.text}</p>` : ''}
      <form class="actor">
        <label for="deckhand-actor">Your name, recorded with ${options.actor}:</label
        ><input
          id="deckhand-actor"
          name="actor"
          autocomplete="username"
          maxlength="64"
          value="${options.actorName ?? ''}"
        />
      </form>
      ${renderSections(view, controlsFor(options))}
      <p><small>As of ${when(view.generatedAt)}</small></p>
    </div>`.value;

/** A request the widget could not act on: said plainly, nothing done. */
export const renderWidgetError = (message: string): string =>
  html`<style>
      ${trusted(widgetStyle)}
    </style>
    <div class="deckhand"><p class="notice bad" role="alert">${message}</p></div>`.value;
