import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalPage } from './server';

const PAGES = ['alpha', 'beta', 'gamma'] as const;

/** The one-line queue stub of docs/snippet.md: calls made before the snippet loads are kept. */
export const QUEUE_STUB =
  'window.edgeprint=window.edgeprint||{q:[],track:function(){this.q.push(arguments)},consent:function(c){this.c=c}}';

interface LayoutOptions {
  /** Extra attributes on the snippet tag, e.g. `data-hash`. */
  readonly attributes?: string;
  /** Inline script run before the snippet tag (the queue stub and early calls). */
  readonly before?: string;
}

function layout(title: string, body: string, options: LayoutOptions = {}): string {
  const before = options.before === undefined ? '' : `<script>${options.before}</script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · edgeprint demo</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}a{color:#0645ad}code{background:#f2f2f2;padding:0 .2em}button{font:inherit;margin:0 .5rem .5rem 0}</style>
${before}<script defer src="/v1/snippet.js" data-endpoint=""${options.attributes === undefined ? '' : ` ${options.attributes}`}></script></head><body>${body}</body></html>`;
}

function indexPage(origin: string): string {
  const links = PAGES.map(
    (page) =>
      `<li><a href="/v1/r?next=${encodeURIComponent(`/demo/${page}`)}">${page}</a> (through the redirect page) · ` +
      `unique sessions: <span data-edgeprint-hits="${origin}/demo/${page}">…</span></li>`,
  ).join('');
  return layout(
    'edgeprint',
    `<h1>edgeprint is running</h1>
<p>This page reports a pageview with the snippet, added with one tag:
<code>&lt;script defer src="/v1/snippet.js" data-endpoint=""&gt;&lt;/script&gt;</code>.
The links below go through the fingerprinting redirect page (<code>/v1/r?next=…</code>) and land on
demo pages that report their own pageviews; the counts come from one batched <code>/v1/hits</code> request.</p>
<ul>${links}</ul>
<p>More: <a href="/demo/spa">a single-page app</a> (history and hash navigation, custom events) ·
<a href="/demo/consent">consent required</a> (nothing fingerprinted before you accept).</p>
<p>Try <code>curl '${origin}/v1/hits?url=${encodeURIComponent(`${origin}/demo/alpha`)}'</code> to read a count.</p>`,
  );
}

function spaPage(): string {
  return layout(
    'SPA',
    `<h1>Single-page app</h1>
<p>Each button changes the URL without loading a page; the snippet reports a pageview for each new URL
(<code>data-hash</code> is set, so the fragment counts too). A <code>demo_queued</code> event was queued
by the stub before the snippet loaded.</p>
<p><button id="push">pushState</button><button id="hash">hash link</button><button id="event">custom event</button></p>
<p>View: <output id="view">1</output> · <a href="/">Back to the index</a></p>
<script>(function(){var n=1;function show(){document.getElementById('view').textContent=String(n)}
document.getElementById('push').onclick=function(){n++;var u=new URL(location.href);u.searchParams.set('view',String(n));u.hash='';history.pushState({n:n},'',u);show()};
document.getElementById('hash').onclick=function(){n++;location.hash='section-'+n;show()};
document.getElementById('event').onclick=function(){edgeprint.track('demo_click',{view:n})};})();</script>`,
    { attributes: 'data-hash', before: `${QUEUE_STUB};edgeprint.track('demo_queued',{early:true})` },
  );
}

function consentPage(): string {
  return layout(
    'Consent',
    `<h1>Consent required</h1>
<p>This page sets <code>data-consent="required"</code>: until you accept, the snippet runs no fingerprinting and
sends only a cookieless pageview without a visitorId.</p>
<p><button id="accept">Accept</button><button id="decline">Decline</button> <output id="state">no choice yet</output></p>
<p><a href="/">Back to the index</a></p>
<script>(function(){function pick(yes){edgeprint.consent(yes);document.getElementById('state').textContent=yes?'accepted':'declined'}
document.getElementById('accept').onclick=function(){pick(true)};document.getElementById('decline').onclick=function(){pick(false)};})();</script>`,
    { attributes: 'data-consent="required"', before: QUEUE_STUB },
  );
}

/**
 * The demo site served beside the API by `npm start`: an index with hit counts, pages reached
 * through the redirect page, a single-page app and a consent-required page, all using the snippet.
 */
export function demoSite(): LocalPage {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const origin = `http://${request.headers.host ?? 'localhost'}`;
    let html: string | undefined;
    if (path === '/') html = indexPage(origin);
    else if (path === '/demo/spa') html = spaPage();
    else if (path === '/demo/consent') html = consentPage();
    const match = /^\/demo\/([a-z]+)$/.exec(path);
    if (match !== null && (PAGES as readonly string[]).includes(match[1] ?? '')) {
      html = layout(match[1] ?? '', `<h1>Demo page: ${match[1]}</h1><p><a href="/">Back to the index</a></p>`);
    }
    if (html === undefined) return false;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : html);
    return true;
  };
}
