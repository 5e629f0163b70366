/** The status view's CSS, inline in the page and the widget: light and dark, phone-first tables. */
const light = `--bg:#ffffff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;
--ok-fg:#116329;--ok-bg:#dafbe1;--info-fg:#0550ae;--info-bg:#ddf4ff;
--warn-fg:#7d4e00;--warn-bg:#fff8c5;--bad-fg:#a40e26;--bad-bg:#ffebe9;`;
const dark = `--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;
--ok-fg:#56d364;--ok-bg:#0f2d1a;--info-fg:#79c0ff;--info-bg:#0c2d4f;
--warn-fg:#e3b341;--warn-bg:#2e2106;--bad-fg:#ff7b72;--bad-bg:#3d1214;`;

const common = `
.deckhand{color:var(--fg);background:var(--bg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.deckhand *{box-sizing:border-box}
.deckhand h1{font-size:1.4rem;margin:0 0 .25rem}
.deckhand h2{font-size:1.15rem;margin:1.5rem 0 .35rem}
.deckhand h3{font-size:1rem;margin:1rem 0 .25rem}
.deckhand code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.deckhand small,.deckhand .meta,.deckhand time{color:var(--muted)}
.deckhand .meta{display:flex;flex-wrap:wrap;gap:.35rem 1rem;align-items:center;margin:0 0 .5rem}
.deckhand .scroll{overflow-x:auto}
.deckhand table{border-collapse:collapse;width:100%;background:var(--card)}
.deckhand caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.deckhand th,.deckhand td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-bottom:1px solid var(--line);overflow-wrap:break-word}
.deckhand thead th,.deckhand th[scope=row],.deckhand .badge,.deckhand code{white-space:nowrap}
.deckhand thead th{font-size:.85rem;color:var(--muted);font-weight:600}
.deckhand .badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.85rem;font-weight:600;white-space:nowrap}
.deckhand .ok{color:var(--ok-fg);background:var(--ok-bg)}
.deckhand .info{color:var(--info-fg);background:var(--info-bg)}
.deckhand .warn{color:var(--warn-fg);background:var(--warn-bg)}
.deckhand .bad{color:var(--bad-fg);background:var(--bad-bg)}
.deckhand ul.notes,.deckhand ul.list{margin:0;padding-left:1.1rem}
.deckhand .tag{font-weight:600}
@media (max-width:46rem){
  .deckhand table.targets thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  .deckhand table.targets,.deckhand table.targets tbody{display:block;background:none}
  .deckhand table.targets tr{display:block;background:var(--card);border:1px solid var(--line);border-radius:.5rem;margin:.6rem 0;padding:.35rem .6rem}
  .deckhand table.targets th[scope=row],.deckhand table.targets td{display:block;border:0;padding:.2rem 0;overflow-wrap:anywhere}
  .deckhand table.targets th[scope=row],.deckhand code{white-space:normal}
  .deckhand table.targets td::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
}`;

/** The page follows the reader's colour scheme. */
export const pageStyle = `
:root{color-scheme:light dark}
body{margin:0}
.deckhand{${light}min-height:100vh;padding:1rem clamp(.75rem,3vw,2rem)}
@media (prefers-color-scheme:dark){.deckhand{${dark}}}
.deckhand header,.deckhand main,.deckhand footer{max-width:72rem;margin:0 auto}
.deckhand footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
${common}`;

/** The widget follows the dashboard's theme (widgetContext.theme). */
export const widgetStyle = `
.deckhand{${light}padding:.25rem}
.deckhand.theme-dark{${dark}}
.deckhand cwdb-action{display:none}
.deckhand .actor{margin:.25rem 0 .75rem}
.deckhand .actor input{font:inherit;padding:.15rem .4rem;margin-left:.4rem}
.deckhand .notice{padding:.4rem .6rem;border-radius:.35rem;margin:.25rem 0 .5rem}
${common}`;
