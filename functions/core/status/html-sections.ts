/**
 * The status view as HTML sections, shared by the self-contained page and the dashboard's custom widget:
 * pending approvals first, then one section per pipeline with a table of its targets. Every value from AWS
 * or the ledger is escaped by `html`.
 */
import { resourceName } from '../arn.ts';
import { type Html, html } from './html-escape.ts';
import type { ImageView, PipelineView, PromotionView, StatusView, TargetState, TargetView } from './view.ts';

/** Buttons the widget adds; the page has none. */
export interface Controls {
  resume(pipeline: PipelineView): Html;
  decide(approval: PromotionView): Html;
}

const tone: Record<TargetState, 'ok' | 'info' | 'warn' | 'bad'> = {
  healthy: 'ok',
  idle: 'info',
  rolling: 'info',
  paused: 'warn',
  blocked: 'warn',
  drifted: 'warn',
  failed: 'bad',
  'rolled-back': 'bad',
  missing: 'bad',
};

const badge = (text: string, kind: 'ok' | 'info' | 'warn' | 'bad'): Html =>
  html`<span class="badge ${kind}">${text}</span>`;

/** ISO time as people read it, machine-readable in `datetime`. */
export const when = (iso: string): Html => {
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime())
    ? iso
    : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}">${text}</time>`;
};

const imageOf = (image: ImageView): Html =>
  html`<span class="tag">${image.tag}</span> <code title="${image.digest}">${image.shortDigest}</code>`;

const cell = (label: string, content: Html | string): Html => html`<td data-label="${label}">${content}</td>`;

const notesOf = (target: TargetView): Html[] => [
  ...(target.paused
    ? [html`<li><strong>Paused</strong> since ${when(target.paused.since)}: ${target.paused.reason}</li>`]
    : []),
  ...(target.drift
    ? [
        html`<li>
          <strong>Drift</strong> since ${when(target.drift.since)}:
          ${[...target.drift.kinds, ...target.drift.fields].join(', ')}
        </li>`,
      ]
    : []),
  ...(target.admission
    ? [
        html`<li>
          <strong>Admission</strong> ${target.admission.hookStatus} at ${target.admission.stage}:
          ${target.admission.reason}
        </li>`,
      ]
    : []),
  ...(target.lastRollout?.reason
    ? [html`<li><strong>Last rollout</strong>: ${target.lastRollout.reason}</li>`]
    : []),
];

const targetRow = (target: TargetView): Html => {
  const notes = notesOf(target);
  return html`<tr>
    <th scope="row" data-label="Target">
      ${target.cluster}/${target.service}<br /><small>${target.account} · ${target.region}</small>
    </th>
    ${cell('State', badge(target.state, tone[target.state]))}
    ${cell('Running', target.taskDefinition ? html`<code title="${target.taskDefinition}">${resourceName(target.taskDefinition)}</code>` : 'service not found')}
    ${cell('Deployed', target.deployed ? html`${imageOf(target.deployed)}<br /><small>${when(target.deployed.at)}</small>` : '–')}
    ${cell(
      'Last rollout',
      target.lastRollout
        ? html`${imageOf(target.lastRollout)}
            ${badge(target.lastRollout.status, target.lastRollout.status === 'succeeded' ? 'ok' : ['failed', 'rolled-back'].includes(target.lastRollout.status) ? 'bad' : 'info')}<br /><small
              >${when(target.lastRollout.at)}</small
            >`
        : '–',
    )}
    ${cell(
      'Notes',
      notes.length > 0
        ? html`<ul class="notes">
            ${notes}
          </ul>`
        : '–',
    )}
  </tr>`;
};

const promotionLine = (p: PromotionView): Html =>
  html`<li>
    ${imageOf(p)} from ${p.source}: ${badge(p.status, p.status === 'awaiting-approval' ? 'warn' : 'info')}
    ${p.required ? html` approvals ${p.approvals.length}/${p.required}` : ''}
    ${p.dueAt && p.status === 'waiting' ? html` · due ${when(p.dueAt)}` : ''}
    ${p.expiresAt && p.status === 'awaiting-approval' ? html` · expires ${when(p.expiresAt)}` : ''}
  </li>`;

const pipelineSection = (pipeline: PipelineView, index: number, controls?: Controls): Html => {
  const id = `pipeline-${index}`;
  const paused = pipeline.targets.some((t) => t.paused);
  return html`<section class="pipeline" aria-labelledby="${id}">
    <h2 id="${id}">${pipeline.name}</h2>
    <p class="meta">
      ${pipeline.repository ? html`<span>repository <code>${pipeline.repository}</code></span>` : ''}
      ${pipeline.promotesFrom ? html`<span>promotes from <strong>${pipeline.promotesFrom}</strong></span>` : ''}
      ${pipeline.frozen ? html`${badge('frozen', 'warn')} until ${when(pipeline.frozen.until)}: ${pipeline.frozen.reason}` : ''}
      ${paused ? badge('paused', 'warn') : ''} ${paused && controls ? controls.resume(pipeline) : ''}
    </p>
    <div class="scroll">
      <table class="targets">
        <caption>
          Targets of ${pipeline.name}
        </caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">State</th>
            <th scope="col">Running</th>
            <th scope="col">Deployed</th>
            <th scope="col">Last rollout</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          ${pipeline.targets.map(targetRow)}
        </tbody>
      </table>
    </div>
    ${
      pipeline.promotions.length > 0
        ? html`<h3>Promotions</h3>
            <ul class="list">
              ${pipeline.promotions.map(promotionLine)}
            </ul>`
        : ''
    }
    ${
      pipeline.held.length > 0
        ? html`<h3>Held by a freeze</h3>
            <ul class="list">
              ${pipeline.held.map(
                (h) => html`<li>${imageOf(h)} held since ${when(h.heldAt)}: ${h.reason}</li>`,
              )}
            </ul>`
        : ''
    }
  </section>`;
};

const approvalsSection = (view: StatusView, controls?: Controls): Html =>
  html`<section class="approvals" aria-labelledby="approvals">
    <h2 id="approvals">Pending approvals</h2>
    ${
      view.approvals.length === 0
        ? html`<p>None.</p>`
        : html`<div class="scroll">
            <table class="targets">
              <caption>
                Promotions awaiting approval
              </caption>
              <thead>
                <tr>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Image</th>
                  <th scope="col">Approvals</th>
                  <th scope="col">Expires</th>
                  ${controls ? html`<th scope="col">Decide</th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${view.approvals.map(
                  (a) =>
                    html`<tr>
                      <th scope="row" data-label="Pipeline">${a.pipeline}</th>
                      ${cell('Image', imageOf(a))}
                      ${cell('Approvals', `${a.approvals.length}/${a.required ?? 1}${a.approvals.length > 0 ? ` (${a.approvals.join(', ')})` : ''}`)}
                      ${cell('Expires', a.expiresAt ? when(a.expiresAt) : '–')}
                      ${controls ? cell('Decide', controls.decide(a)) : ''}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;

export const renderSections = (view: StatusView, controls?: Controls): Html =>
  html`${approvalsSection(view, controls)}
  ${view.pipelines.length === 0 ? html`<p>No pipelines configured.</p>` : ''}
  ${view.pipelines.map((p, i) => pipelineSection(p, i, controls))}`;
