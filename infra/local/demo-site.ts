import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalPage } from './server';

const PAGES = ['alpha', 'beta', 'gamma'] as const;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · edgeprint demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}a{color:#0645ad}code{background:#f2f2f2;padding:0 .2em}</style>
<script defer src="/v1/snippet.js" data-endpoint=""></script></head><body>${body}</body></html>`;
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
<p>This page reports a pageview with the snippet. The links below go through the fingerprinting redirect page
(<code>/v1/r?next=…</code>) and land on demo pages that report their own pageviews.</p>
<ul>${links}</ul>
<p>Try <code>curl '${origin}/v1/hits?url=${encodeURIComponent(`${origin}/demo/alpha`)}'</code> to read a count.</p>`,
  );
}

/** The demo site served beside the API by `npm start`: an index and a few pages that use the snippet. */
export function demoSite(): LocalPage {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const origin = `http://${request.headers.host ?? 'localhost'}`;
    let html: string | undefined;
    if (path === '/') html = indexPage(origin);
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
