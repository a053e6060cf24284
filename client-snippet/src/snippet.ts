import { load } from '@fingerprintjs/fingerprintjs';

/**
 * The edgeprint browser script: FingerprintJS (telemetry off) plus a small tracker, one IIFE.
 * Size-first: functions, no classes, build-time constants, `text/plain` bodies (no CORS preflight).
 * It must never throw into the host page: every entry point is guarded, failures are logged only
 * with `data-debug`. Options are the script tag's data attributes (docs/snippet.md).
 */

type Props = Record<string, string | number | boolean>;

/** The collect wire format (docs/api.md). */
interface Body {
  id?: string;
  /** 1: no consent (or GPC/DNT): the server stores no fingerprint for this report. */
  anon?: 1;
  confidence?: number;
  url: string;
  ref?: string;
  title?: string;
  event: string;
  props?: Props;
}

export interface ReportOptions {
  /** Event name; `pageview` by default. */
  event?: string;
  /** Path or URL to POST to; `<data-endpoint>/v1/collect` by default. */
  endpoint?: string;
}

export interface EdgeprintApi {
  /** A custom event (`[a-z0-9_]{1,40}`) with optional flat props. */
  track(name: string, props?: Props): void;
  /** Grants (true, the default) or withdraws (false) consent to fingerprinting. */
  consent(granted?: boolean): void;
  /** Fills every `[data-edgeprint-hits]` element from batched `/v1/hits` requests. */
  hits(): Promise<void>;
  /** One report, resolved once it is handed to the browser (the redirect page waits for it). */
  report(options?: ReportOptions): Promise<void>;
}

/** What the one-line stub leaves behind: queued `track` arguments and the last consent call. */
interface Stub {
  q?: { 0: string; 1?: Props }[];
  c?: boolean;
}

declare global {
  interface Window {
    edgeprint?: EdgeprintApi | Stub;
  }
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}

// Build-time constants: esbuild inlines them.
const COLLECT = '/v1/collect';
const HITS = '/v1/hits';
/** The hits endpoint takes at most 100 urls per request. */
const MAX_URLS = 100;
/** Query characters per hits request, under common proxy and CDN URL limits (8 KiB). */
const MAX_QUERY = 6000;
const MAX_URL = 2048;

(() => {
  let debug = false;
  const log = (error: unknown) => {
    if (debug) console.warn('[edgeprint]', error);
  };
  const safe =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R | undefined => {
      try {
        return f(...args);
      } catch (error) {
        log(error);
        return undefined;
      }
    };

  try {
    const w = window;
    const d = document;
    const n = navigator;
    const stub = w.edgeprint as Stub | undefined;
    // Loaded twice: the first copy keeps the page.
    if (stub && !stub.q && 'track' in stub) return;
    const tag = d.currentScript as HTMLScriptElement | null;
    const opt = (name: string) => tag?.getAttribute('data-' + name) ?? undefined;
    const on = (name: string) => {
      const value = opt(name);
      return value !== undefined && value !== 'false';
    };
    debug = on('debug');
    const endpoint = opt('endpoint');
    const auto = endpoint !== undefined;
    const base = endpoint ?? (tag?.src ?? '').split('/v1/snippet.js')[0];
    const withHash = on('hash');

    // Privacy signals: `drop` sends nothing, `anonymous` sends without visitorId or cookie, `ignore` ignores.
    const signal = (name: string, set: boolean, fallback: string) => (set ? (opt(name) ?? fallback) : '');
    const gpc = signal('gpc', n.globalPrivacyControl === true, 'anonymous');
    const dnt = signal('dnt', n.doNotTrack === '1', 'ignore');
    const blocked = gpc === 'drop' || dnt === 'drop';
    const anonymous = gpc === 'anonymous' || dnt === 'anonymous';
    const cookieless = opt('without-consent') !== 'nothing';
    let granted = opt('consent') !== 'required' || stub?.c === true;
    /** 0: send nothing; 1: cookieless, no visitorId; 2: fingerprinted. */
    const mode = () => (blocked ? 0 : !granted ? (cookieless ? 1 : 0) : anonymous ? 1 : 2);

    let visitor: { id?: string; c?: number } | undefined;
    let loading: Promise<void> | undefined;
    let pending: (() => void)[] = [];
    const flush = () => {
      const waiting = pending;
      pending = [];
      waiting.forEach((go) => go());
    };

    const page = () => (withHash ? location.href : location.href.split('#')[0]!);

    let gate: Promise<unknown> | undefined;
    const post = (url: string, body: string, anon: boolean) => {
      // sendBeacon always sends cookies, so cookieless reports go by fetch with credentials omitted.
      const upload = () => fetch(url, { method: 'POST', body, keepalive: true, credentials: anon ? 'omit' : 'include' }).catch(log);
      if (anon) upload();
      // The first report with cookies goes alone: later ones then carry the session cookie it set.
      else if (!gate) gate = upload();
      else
        gate
          .then(() => {
            if (!n.sendBeacon?.(url, body)) upload();
          })
          .catch(log);
    };

    /** Builds the report now (url, title), sends it once the visitorId is known or the page is hidden. */
    const send = (event: string, props?: Props, ref?: string, url?: string, done?: () => void) => {
      const m = mode();
      const body: Body = { url: page(), ref, title: d.title.slice(0, 512) || undefined, event, props };
      const go = () => {
        try {
          if (m > 1 && visitor) {
            body.id = visitor.id;
            body.confidence = visitor.c;
          } else body.anon = 1; // asks the server to store no request fingerprint either
          if (m) post(url ?? base + COLLECT, JSON.stringify(body), m < 2);
        } catch (error) {
          log(error);
        }
        if (done) done();
      };
      if (m < 2 || visitor) return go();
      pending.push(go);
      loading ??= Promise.resolve()
        .then(() => load({ monitoring: false }))
        .then((agent) => agent.get())
        .then(
          (result) => {
            visitor = { id: result.visitorId, c: result.confidence.score };
          },
          (error: unknown) => {
            log(error);
            visitor = {};
          },
        );
      loading.then(flush).catch(log);
    };

    let last: string | undefined;
    const pageview = () => {
      const url = page();
      if (url !== last && mode()) {
        send('pageview', undefined, last ?? (d.referrer || undefined));
        last = url;
      }
    };

    const hits = (): Promise<void> => {
      const elements = new Map<Element, string>();
      const batches: string[][] = [];
      let batch: string[] = [];
      let length = 0;
      d.querySelectorAll('[data-edgeprint-hits]').forEach((element) => {
        try {
          // Normalised as the API stores urls (lower-case host, default port dropped).
          const url = new URL(element.getAttribute('data-edgeprint-hits')!, location.href).href;
          if (/^https?:/.test(url) && url.length <= MAX_URL) elements.set(element, url);
        } catch (error) {
          log(error);
        }
      });
      new Set(elements.values()).forEach((url) => {
        const param = 'url=' + encodeURIComponent(url);
        if (batch.length === MAX_URLS || (batch.length && length + param.length > MAX_QUERY)) {
          batches.push(batch);
          batch = [];
          length = 0;
        }
        batch.push(param);
        length += param.length + 1;
      });
      if (batch.length) batches.push(batch);
      return Promise.all(
        batches.map((params) =>
          fetch(base + HITS + '?' + params.join('&'), { credentials: 'omit' })
            .then((response) => response.json())
            .then((answer: { counts: Record<string, number> }) =>
              elements.forEach((url, element) => {
                const count = answer.counts[url];
                if (typeof count === 'number') element.textContent = String(count);
              }),
            ),
        ),
      ).then(() => undefined, log);
    };

    const api: EdgeprintApi = {
      track: safe((name: string, props?: Props) => send(name, props)),
      consent: safe((yes?: boolean) => {
        const was = granted;
        granted = yes !== false;
        // Consent after a cookieless pageview: link the visitorId with a `consent` event (no second hit).
        if (auto && granted && !was && mode() > 1) {
          if (last) send('consent');
          else pageview();
        }
      }),
      hits: () => safe(hits)() ?? Promise.resolve(),
      report: (options: ReportOptions = {}) =>
        new Promise<void>((resolve) => {
          try {
            send(options.event ?? 'pageview', undefined, d.referrer || undefined, options.endpoint, resolve);
          } catch (error) {
            log(error);
            resolve();
          }
        }),
    };
    w.edgeprint = api;

    if (auto) {
      pageview();
      if (opt('spa') !== 'false') {
        const spa = safe(pageview);
        (['pushState', 'replaceState'] as const).forEach((name) => {
          const original = history[name];
          history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
            const result = original.apply(this, args);
            spa();
            return result;
          };
        });
        w.addEventListener('popstate', spa);
        w.addEventListener('hashchange', spa);
      }
    }
    stub?.q?.forEach((args) => api.track(args[0], args[1]));
    d.addEventListener(
      'visibilitychange',
      safe(() => {
        if (d.visibilityState === 'hidden') flush();
      }),
    );
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', () => void api.hits());
    else void api.hits();
  } catch (error) {
    log(error);
  }
})();
