import FingerprintJS from '@fingerprintjs/fingerprintjs';

/**
 * The edgeprint browser script. Size-first: functions, short wire keys, `text/plain` beacons
 * (no CORS preflight). It must never throw into the host page.
 */

interface ReportOptions {
  /** Event name; `pageview` by default. */
  event?: string;
  /** Path or URL to POST to; `<data-endpoint>/v1/collect` by default. */
  endpoint?: string;
}

interface EdgeprintApi {
  report(options?: ReportOptions): Promise<void>;
}

declare global {
  interface Window {
    edgeprint?: EdgeprintApi;
  }
}

(function () {
  const script = document.currentScript as HTMLScriptElement | null;
  const base = script?.getAttribute('data-endpoint') ?? undefined;
  let agent: ReturnType<typeof FingerprintJS.load> | undefined;

  function visitor(): Promise<{ id?: string; confidence?: number }> {
    agent ??= FingerprintJS.load({ monitoring: false });
    return agent
      .then((fp) => fp.get())
      .then(
        (result) => ({ id: result.visitorId, confidence: result.confidence.score }),
        () => ({}),
      );
  }

  function send(url: string, body: string): Promise<void> {
    try {
      return fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain' },
        keepalive: true,
        credentials: 'include',
      }).then(
        () => undefined,
        () => undefined,
      );
    } catch {
      return Promise.resolve();
    }
  }

  function report(options: ReportOptions = {}): Promise<void> {
    return visitor().then((fp) =>
      send(
        options.endpoint ?? `${base ?? ''}/v1/collect`,
        JSON.stringify({ id: fp.id, confidence: fp.confidence, url: location.href, ref: document.referrer || undefined, title: document.title || undefined, event: options.event }),
      ),
    ).catch(() => undefined);
  }

  window.edgeprint = { report };
  if (base !== undefined) void report();
})();
