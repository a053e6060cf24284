import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { escapeHtml, jsString, renderRedirectPage, REPORT_TIMEOUT_MS } from '../../../../layers/core/src/endpoints/redirect-page';

const SNIPPET = '/_ep/v1/snippet.js';

/** Evaluates a JS expression in a bare context: what a browser's script engine would see. */
function evaluate(source: string): unknown {
  return vm.runInNewContext(source, {});
}

/** The inline scripts of a page (the ones without `src`), by a plain scan of the markup. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
}

/** Decodes the numeric entities escapeHtml writes, plus the named ones a browser also knows. */
function unescapeHtml(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Runs the page's inline script with a stub `window`, `location` and timer, and returns every URL
 * it passed to `location.replace`.
 */
async function runPageScript(
  script: string,
  edgeprint?: { report: (input: unknown) => Promise<void> },
): Promise<{ replaced: string[]; timeouts: number[]; reports: unknown[] }> {
  const replaced: string[] = [];
  const timeouts: number[] = [];
  const reports: unknown[] = [];
  const window = edgeprint === undefined ? {} : { edgeprint: { report: (input: unknown) => (reports.push(input), edgeprint.report(input)) } };
  vm.runInNewContext(script, {
    window,
    location: { pathname: '/v1/r', replace: (url: string) => replaced.push(url) },
    setTimeout: (_fn: () => void, ms: number) => timeouts.push(ms),
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { replaced, timeouts, reports };
}

describe('jsString()', () => {
  it.each([
    '/p?a=1&b=2',
    'https://site.example/p?a=1&b=2#x',
    '</script><script>alert(1)</script>',
    '<!--<script>',
    '"\'\\`${x}',
    'line\nbreak\r\u2028\u2029end',
    'ümlaut ✓ 😀',
    '',
  ])('evaluates back to exactly %j', (value) => {
    expect(evaluate(jsString(value))).toBe(value);
  });

  it('writes no HTML entity and no raw markup characters', () => {
    const literal = jsString('/p?a=1&b=2</script><!--');
    expect(literal).not.toMatch(/[<>&]/);
    expect(literal).not.toContain('&amp;');
    expect(literal).toBe('"/p?a=1\\u0026b=2\\u003c/script\\u003e\\u003c!--"');
  });

  it('escapes the line separators that end a JS string in older engines', () => {
    expect(jsString('\u2028\u2029')).toBe('"\\u2028\\u2029"');
  });
});

describe('escapeHtml()', () => {
  it('escapes the five markup characters as numeric entities', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('leaves other text untouched and round-trips', () => {
    const value = 'https://site.example/p?a=1&b=2#frag ü';
    expect(unescapeHtml(escapeHtml(value))).toBe(value);
    expect(escapeHtml('plain/text-123')).toBe('plain/text-123');
  });
});

describe('renderRedirectPage()', () => {
  it('sends the browser to exactly the target, with no HTML entities inside the script', async () => {
    const target = 'https://site.example/p?a=1&b=2';
    const page = renderRedirectPage(target, SNIPPET);
    const scripts = inlineScripts(page.html);
    expect(scripts).toHaveLength(1);
    const { replaced, timeouts } = await runPageScript(scripts[0] ?? '');
    expect(replaced).toEqual([target]);
    expect(timeouts).toEqual([REPORT_TIMEOUT_MS]);
  });

  it('reports the fingerprint through the snippet first, then leaves once', async () => {
    const target = 'https://site.example/next';
    const script = inlineScripts(renderRedirectPage(target, SNIPPET).html)[0] ?? '';
    const resolved = await runPageScript(script, { report: () => Promise.resolve() });
    expect(resolved.reports).toEqual([{ event: 'redirect', endpoint: '/v1/r' }]);
    expect(resolved.replaced).toEqual([target]);
    const failed = await runPageScript(script, { report: () => Promise.reject(new Error('offline')) });
    expect(failed.replaced).toEqual([target]);
  });

  it('has a meta refresh fallback with the HTML-escaped target', () => {
    const target = 'https://site.example/p?a=1&b=2';
    const { html } = renderRedirectPage(target, SNIPPET);
    const refresh = /<meta http-equiv="refresh" content="([^"]*)">/.exec(html);
    expect(refresh).not.toBeNull();
    expect(refresh?.[1]).toBe('3;url=https://site.example/p?a=1&#38;b=2');
    expect(unescapeHtml(refresh?.[1] ?? '')).toBe(`3;url=${target}`);
    const link = /<a href="([^"]*)">/.exec(html);
    expect(unescapeHtml(link?.[1] ?? '')).toBe(target);
  });

  it.each([
    'https://site.example/</script><script>alert(1)</script>',
    'https://site.example/<!--<script>',
    'https://site.example/"><img src=x onerror=alert(1)>',
    "https://site.example/';alert(1);'",
  ])('cannot be broken out of by %j', async (target) => {
    const page = renderRedirectPage(target, SNIPPET);
    // Exactly the two script elements the page is made of: the snippet and the inline script.
    expect(page.html.match(/<script/g)).toHaveLength(2);
    expect(page.html.match(/<\/script>/g)).toHaveLength(2);
    expect(page.html).not.toContain('<!--');
    expect(page.html).not.toContain('<img');
    expect(page.html.match(/<meta /g)).toHaveLength(4);
    const scripts = inlineScripts(page.html);
    expect(scripts).toHaveLength(1);
    expect((await runPageScript(scripts[0] ?? '')).replaced).toEqual([target]);
    const refresh = /<meta http-equiv="refresh" content="([^"]*)">/.exec(page.html);
    expect(unescapeHtml(refresh?.[1] ?? '')).toBe(`3;url=${target}`);
  });

  it('sends a CSP whose script hash is the sha256 of the inline script', () => {
    const page = renderRedirectPage('https://site.example/p?a=1&b=2', SNIPPET);
    const script = inlineScripts(page.html)[0] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    const directives = new Map(
      page.contentSecurityPolicy.split(';').map((part) => {
        const [name, ...values] = part.trim().split(/\s+/);
        return [name ?? '', values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual([`'sha256-${hash}'`, "'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(page.contentSecurityPolicy).not.toContain('unsafe-inline');
  });

  it('changes the script hash with the target (each page allows only its own script)', () => {
    const first = renderRedirectPage('https://site.example/a', SNIPPET).contentSecurityPolicy;
    const second = renderRedirectPage('https://site.example/b', SNIPPET).contentSecurityPolicy;
    expect(first).not.toBe(second);
  });

  it('loads the snippet from its root-relative path (escaped), allowed as the page\'s own origin', () => {
    const page = renderRedirectPage('https://site.example/', '/_ep/v1/snippet.js?v=1&x="');
    expect(page.contentSecurityPolicy).toContain(" 'self';");
    expect(page.html).toContain('<script src="/_ep/v1/snippet.js?v=1&#38;x=&#34;"></script>');
  });
});
