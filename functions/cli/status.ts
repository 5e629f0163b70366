/** `deckhand status [pipeline]` and `deckhand resume <pipeline>`: what each service runs, and un-pausing. */
import { writeFileSync } from 'node:fs';
import { renderStatusPage } from '#core/status/html-page.ts';
import { loadStatusView } from '#core/status/load.ts';
import { statusRows, statusText } from '#core/status/text.ts';
import { resumePipeline } from '#core/use-cases/resume-pipeline.ts';
import { wireCli } from './session.ts';

export const status = async (
  options: { pipeline?: string; config?: string; json: boolean; html?: string },
  write: (line: string) => void,
): Promise<number> => {
  const deps = await wireCli(options.config);
  const view = await loadStatusView(deps, options.pipeline);
  if (options.html) {
    writeFileSync(options.html, renderStatusPage(view));
    write(`wrote ${options.html}`);
    return 0;
  }
  const lines = options.json ? statusRows(view).map((row) => JSON.stringify(row)) : statusText(view);
  for (const line of lines) write(line);
  return 0;
};

export const resume = async (
  options: { pipeline: string; config?: string },
  write: (line: string) => void,
): Promise<number> => {
  const deps = await wireCli(options.config);
  const by = `cli:${process.env.USER ?? 'unknown'}`;
  const { resumed } = await resumePipeline({ pipeline: options.pipeline, by }, deps);
  for (const pause of resumed)
    write(
      `resumed ${options.pipeline} on ${pause.serviceKey} (paused since ${pause.pausedAt}: ${pause.reason})`,
    );
  if (resumed.length === 0) write(`${options.pipeline} was not paused anywhere`);
  return 0;
};
