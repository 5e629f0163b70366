/**
 * `deckhand status --html`: the status view as one self-contained page (inline CSS, no script, no external
 * asset, so it works offline and can be mailed or archived), readable on a phone and in dark mode.
 */
import { html, trusted } from './html-escape.ts';
import { renderSections, when } from './html-sections.ts';
import { pageStyle } from './html-style.ts';
import type { StatusView } from './view.ts';

export const renderStatusPage = (view: StatusView, title = 'Deckhand status'): string =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>${title}</title>
        <style>
          ${trusted(pageStyle)}
        </style>
      </head>
      <body>
        <div class="deckhand">
          <header>
            <h1>${title}</h1>
            <p>
              ${view.pipelines.length} pipeline${view.pipelines.length === 1 ? '' : 's'}, as of
              ${when(view.generatedAt)}
            </p>
          </header>
          <main>${renderSections(view)}</main>
          <footer>
            <p>A snapshot written by <code>deckhand status --html</code>; run it again for a fresh one.</p>
          </footer>
        </div>
      </body>
    </html> `.value;
