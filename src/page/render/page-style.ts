import { createHash } from 'node:crypto';

/**
 * The page's one stylesheet, inlined in every page (and in the static file of
 * `baton status --html`): the Content Security Policy allows this text alone,
 * by its hash, and one script, `POLL_SCRIPT`, by its. Charts are inline SVG coloured by class
 * (presentation attributes and classes, never `style` attributes).
 */
export const PAGE_CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--accent:#0969da;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--run:#8250df}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.25rem;align-items:center;padding:.6rem 1.25rem;border-bottom:1px solid var(--line);background:var(--soft)}
header .brand{font-weight:600}
header nav{display:flex;gap:1rem;flex:1}
header nav a.active{font-weight:600;text-decoration:underline}
header form{margin:0}
main{padding:1rem 1.25rem;max-width:1200px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
h1{font-size:1.4rem;margin:.2rem 0 .8rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
.pill{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;border:1px solid var(--line);background:var(--soft);white-space:nowrap}
.s-merged,.s-done,.s-delivered{border-color:var(--ok);color:var(--ok)}
.s-failed,.s-impossible,.s-needs-human,.s-attention,.s-cancelled,.s-plan-failed,.s-plan-invalid,.s-config-invalid{border-color:var(--bad);color:var(--bad)}
.s-open,.s-partial,.s-awaiting-budget,.s-plan-ready,.s-held,.s-missing-workflow{border-color:var(--warn);color:var(--warn)}
.s-working,.s-reviewing,.s-fixing,.s-checks,.s-running,.s-queued,.s-planning,.s-landing{border-color:var(--run);color:var(--run)}
.warning{border:1px solid var(--bad);background:#ffebe9;padding:.6rem .8rem;border-radius:6px;margin:.6rem 0}
.note{border:1px solid var(--line);background:var(--soft);padding:.6rem .8rem;border-radius:6px;margin:.6rem 0}
code,kbd{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 .3rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:.4rem 0}
.card{border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;min-width:9rem}
.card b{display:block;font-size:1.25rem}
button{font:inherit;padding:.2rem .7rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);cursor:pointer}
.signin{max-width:32rem;margin:4rem auto;text-align:center}
.signin a.button{display:inline-block;padding:.5rem 1rem;border-radius:6px;background:#1f883d;color:#fff;font-weight:600}
svg{max-width:100%;height:auto;font:11px -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
svg .axis{fill:var(--muted)}
svg .grid{stroke:var(--line)}
svg .bar{fill:var(--accent)}
svg .lane{fill:var(--soft)}
svg .o-delivered{fill:var(--ok)}
svg .o-failed,svg .o-timed-out,svg .o-blocked,svg .o-impossible{fill:var(--bad)}
svg .o-cancelled{fill:var(--muted)}
svg .o-partial{fill:var(--warn)}
svg .o-running,svg .o-queued{fill:var(--run)}
svg .line{fill:none;stroke:var(--accent);stroke-width:2}
svg .cap{fill:var(--soft);stroke:var(--line)}
svg .used{fill:var(--ok)}
svg .used.near{fill:var(--warn)}
svg .used.over{fill:var(--bad)}
svg .node{fill:var(--bg);stroke:var(--line)}
svg .node.merged,svg .node.skipped{stroke:var(--ok)}
svg .node.failed,svg .node.impossible,svg .node.needs-human{stroke:var(--bad)}
svg .node.working,svg .node.reviewing,svg .node.fixing,svg .node.checks{stroke:var(--run)}
svg .edge{stroke:var(--muted);fill:none}
svg .repo{fill:none;stroke:var(--line);stroke-dasharray:4 3}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.4rem 0}
form.filter label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
form.filter input,form.filter select{font:inherit;padding:.2rem .4rem;border:1px solid var(--line);border-radius:6px}
@media (max-width:480px){
header{flex-wrap:wrap;gap:.4rem .8rem;padding:.5rem .75rem}
header nav{flex-basis:100%;order:3;gap:.8rem}
main{padding:.75rem}
table{display:block;overflow-x:auto;white-space:nowrap}
table.rows{display:block;white-space:normal}
table.rows thead{display:none}
table.rows tbody,table.rows tr,table.rows td{display:block}
table.rows tr{border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.35rem .5rem}
table.rows td{border:0;padding:.1rem 0;text-align:left}
table.rows td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem}
.card{min-width:0;flex:1 1 40%}
form.filter label,form.filter input,form.filter select{flex:1 1 100%;width:100%}
}
`;

/**
 * The page's one script: every `data-seconds` (while the tab is shown) it asks
 * for its own address with the ETag of what it shows; a 304 changes nothing,
 * a 200 replaces what is shown (not while the person types in a form), a 401
 * ends it. No text of the answer runs: the parser's document runs no script.
 */
export const POLL_SCRIPT = `(()=>{const meta=document.querySelector('meta[name="baton-etag"]');if(!meta)return;let tag=meta.content;const every=Number(meta.dataset.seconds)*1000;const poll=async()=>{if(!document.hidden){try{const answer=await fetch(location.href,{headers:{'if-none-match':tag},cache:'no-store',credentials:'same-origin'});if(answer.status===401)return;if(answer.status===200){const next=new DOMParser().parseFromString(await answer.text(),'text/html').querySelector('main');const typing=document.activeElement?.closest('main form');if(next&&!typing){document.querySelector('main')?.replaceWith(next);tag=answer.headers.get('etag')??tag;}}}catch{}}setTimeout(poll,every);};setTimeout(poll,every);})();`;

/** How often the poll script asks (src/page/live.ts says what it costs). */
export const POLL_SECONDS = 30;

/** The script's hash, as the Content Security Policy names it. */
export const POLL_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(POLL_SCRIPT).digest('base64')}'`;

/** The stylesheet's hash, as the Content Security Policy names it. */
export const PAGE_CSS_SOURCE = `'sha256-${createHash('sha256').update(PAGE_CSS).digest('base64')}'`;

/**
 * The page's Content Security Policy: nothing but the stylesheet above, the
 * poll script above (asking the app alone) and images of its own; no other
 * script, no frame, no form to anywhere but the app, no `<base>`. Sent as a
 * header, and in a `<meta>` of the static file (which carries no script).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${PAGE_CSS_SOURCE}`,
  `script-src ${POLL_SCRIPT_SOURCE}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The policy as a `<meta>` carries it: `frame-ancestors` only works as a header (browsers ignore it there). */
export const PAGE_META_CSP = PAGE_CSP.replace("; frame-ancestors 'none'", '');
