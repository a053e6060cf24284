/**
 * A generated day of traffic for the aggregates (dashboard) tests and benchmark: several sites,
 * sessions of real browsers (some sharing a visitorId, some sending GPC), pages, referrers, UTM
 * campaigns, custom events and bots. `sendDay` plays it through the real HTTP API; `expectedDay`
 * is an independent model of what /v1/stats must then answer.
 */
import type { LocalStack } from '../../infra/local/local-stack';
import { call, collectJson, sessionFrom } from './local-stack';
import { seededRandom } from './provider-stub';

/** User agents with the names ua-parser-js 1.x gives them (written out here, not computed). */
export const AGENTS = [
  { ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', browser: 'Chrome', os: 'Linux', device: 'desktop' },
  { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', browser: 'Firefox', os: 'Windows', device: 'desktop' },
  { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', browser: 'Mobile Safari', os: 'iOS', device: 'mobile' },
  { ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', browser: 'Chrome', os: 'Android', device: 'mobile' },
  { ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', browser: 'Safari', os: 'Mac OS', device: 'desktop' },
  { ua: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', browser: 'Mobile Safari', os: 'iOS', device: 'tablet' },
] as const;

export const BOT_AGENTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'curl/8.5.0',
  'python-requests/2.32.3',
] as const;

const PAGES = ['/', '/pricing', '/blog/fingerprints', '/blog/privacy', '/docs'] as const;
const REFERRERS = ['https://news.example/item?id=1', 'https://www.search.example/?q=edgeprint', 'https://social.example/post/9'] as const;
const CAMPAIGNS = [{ campaign: 'spring_sale', source: 'newsletter' }, { campaign: 'launch', source: 'social' }] as const;
const COUNTRIES = ['DE', 'FR', 'US', 'JP', 'BR', undefined] as const;
const EVENTS = ['signup', 'download'] as const;

/** One request a session makes, in order. */
export type Step =
  | { readonly kind: 'pageview'; readonly url: string; readonly ref?: string }
  | { readonly kind: 'event'; readonly name: string; readonly url: string }
  | { readonly kind: 'redirect'; readonly next: string };

export interface PlannedSession {
  readonly site: string;
  /** The browser: sessions of one browser share its visitorId, agent and country. */
  readonly visitorId: string;
  readonly agent: (typeof AGENTS)[number];
  readonly country?: string;
  readonly gpc: boolean;
  readonly steps: readonly Step[];
}

export interface PlannedBot {
  readonly ua: string;
  /** A collect report of this page, or (`redirect`) a visit of the redirect page. */
  readonly url: string;
  readonly redirect: boolean;
}

export interface PlannedDay {
  readonly sites: readonly string[];
  readonly sessions: readonly PlannedSession[];
  readonly bots: readonly PlannedBot[];
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/**
 * A day of traffic for `sites` (hosts), the same for the same seed. `apiOrigin` (the stack's own
 * origin) gets the redirect-page sessions: `/v1/r?next=…` then the landing pageview.
 * @example const day = planDay(7, ['alpha.example', 'beta.example'], stack.url)
 */
export function planDay(seed: number, sites: readonly string[], apiOrigin: string, options: { browsers?: number } = {}): PlannedDay {
  const random = seededRandom(seed);
  const sessions: PlannedSession[] = [];
  const browsers = Array.from({ length: options.browsers ?? 16 }, (_, index) => ({
    visitorId: `visitor${seed}x${index}`,
    agent: pick(random, AGENTS),
    country: pick(random, COUNTRIES),
  }));
  browsers.forEach((browser, index) => {
    const site = sites[index % sites.length]!;
    // Every third browser comes back in a second session (cookies cleared: same visitorId, new session).
    const visits = index % 3 === 0 ? 2 : 1;
    for (let visit = 0; visit < visits; visit += 1) {
      const steps: Step[] = [];
      const landing = pick(random, PAGES);
      const campaign = random() < 0.3 ? pick(random, CAMPAIGNS) : undefined;
      const query = campaign === undefined ? '' : `?utm_campaign=${campaign.campaign}&utm_source=${campaign.source}`;
      steps.push({ kind: 'pageview', url: `https://${site}${landing}${query}`, ref: random() < 0.5 ? pick(random, REFERRERS) : undefined });
      const more = Math.floor(random() * 4);
      for (let step = 0; step < more; step += 1) {
        steps.push({ kind: 'pageview', url: `https://${site}${pick(random, PAGES)}`, ref: `https://${site}${landing}` });
      }
      if (random() < 0.4) steps.push({ kind: 'event', name: pick(random, EVENTS), url: `https://${site}${landing}` });
      sessions.push({ site, ...browser, gpc: false, steps });
    }
  });
  // Two visitors with Global Privacy Control: counted (anonymously), never forwarded to third parties.
  for (let index = 0; index < 2; index += 1) {
    const site = sites[index % sites.length]!;
    sessions.push({ site, visitorId: `gpc${seed}x${index}`, agent: AGENTS[0], country: 'DE', gpc: true, steps: [{ kind: 'pageview', url: `https://${site}/pricing` }, { kind: 'pageview', url: `https://${site}/docs` }] });
  }
  // Two visitors through the redirect page of the API's own host, each its own browser.
  const apiHost = new URL(apiOrigin).host;
  for (let index = 0; index < 2; index += 1) {
    sessions.push({
      site: apiHost,
      visitorId: `redirected${seed}x${index}`,
      // Two different browsers: their request fingerprints (which the redirect page records before any visitorId) differ.
      agent: AGENTS[1 + index]!,
      country: 'FR',
      gpc: false,
      steps: [{ kind: 'redirect', next: '/landing' }, { kind: 'pageview', url: `${apiOrigin}/landing` }],
    });
  }
  const bots: PlannedBot[] = sites.flatMap((site, index) =>
    Array.from({ length: index + 2 }, (_, n) => ({ ua: BOT_AGENTS[n % BOT_AGENTS.length]!, url: `https://${site}${PAGES[n % PAGES.length]}`, redirect: false })),
  );
  bots.push({ ua: BOT_AGENTS[0], url: `${apiOrigin}/v1/r?next=%2Flanding`, redirect: true });
  return { sites: [...sites, apiHost], sessions, bots };
}

/** Plays one session through the API (sequentially, as a browser would), keeping its cookie. */
async function sendSession(stack: LocalStack, session: PlannedSession): Promise<void> {
  let cookie: string | undefined;
  const headers: Record<string, string> = { 'user-agent': session.agent.ua };
  if (session.country !== undefined) headers['cloudfront-viewer-country'] = session.country;
  if (session.gpc) headers['sec-gpc'] = '1';
  for (const step of session.steps) {
    let response: Response;
    if (step.kind === 'redirect') {
      response = await call(stack, `/v1/r?next=${encodeURIComponent(step.next)}`, { headers, session: cookie });
    } else {
      const body = step.kind === 'pageview' ? { id: session.visitorId, url: step.url, ref: step.ref } : { id: session.visitorId, url: step.url, event: step.name };
      response = await collectJson(stack, body, { headers, session: cookie });
    }
    if (response.status !== 204 && response.status !== 200) throw new Error(`${step.kind} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
    cookie ??= sessionFrom(response);
  }
}

/**
 * Sends the whole day through the real HTTP API, a few sessions at a time.
 * @example await sendDay(stack(), planDay(7, ['a.example'], stack().url))
 */
export async function sendDay(stack: LocalStack, day: PlannedDay, parallel = 4): Promise<void> {
  const queue = [...day.sessions];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let session = queue.shift(); session !== undefined; session = queue.shift()) await sendSession(stack, session);
    }),
  );
  for (const bot of day.bots) {
    const response = bot.redirect
      ? await call(stack, new URL(bot.url).pathname + new URL(bot.url).search, { headers: { 'user-agent': bot.ua } })
      : await collectJson(stack, { id: 'botVisitor', url: bot.url }, { headers: { 'user-agent': bot.ua } });
    if (response.status !== 204 && response.status !== 200) throw new Error(`bot answered ${response.status}`);
    await response.arrayBuffer();
  }
}

export interface ExpectedSite {
  visitors: number;
  sessions: number;
  pageviews: number;
  events: number;
  gpc: number;
  bots: number;
  pages: Map<string, { pageviews: number; sessions: Set<number> }>;
  /** Exact URLs and the sessions that viewed each (what /v1/hits counts). */
  urls: Map<string, Set<number>>;
  referrers: Map<string, number>;
  campaigns: Map<string, number>;
  sources: Map<string, number>;
  browsers: Map<string, number>;
  os: Map<string, number>;
  devices: Map<string, number>;
  countries: Map<string, number>;
  customEvents: Map<string, number>;
  /** Entry pages: the first page of each session. */
  entries: Map<string, number>;
  /** Sessions of a browser whose visitorId an earlier session showed (cookies cleared); GPC sessions are left out. */
  returningByVisitorId: number;
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * What /v1/stats must answer for each site of the day, worked out from the plan alone (debounce
 * off, so every pageview is recorded): a model written apart from the aggregation code.
 * @example const expected = expectedDay(day).get('alpha.example')
 */
export function expectedDay(day: PlannedDay): Map<string, ExpectedSite> {
  const sites = new Map<string, ExpectedSite>();
  const siteOf = (site: string): ExpectedSite => {
    let entry = sites.get(site);
    if (entry === undefined) {
      entry = { visitors: 0, sessions: 0, pageviews: 0, events: 0, gpc: 0, bots: 0, pages: new Map(), urls: new Map(), referrers: new Map(), campaigns: new Map(), sources: new Map(), browsers: new Map(), os: new Map(), devices: new Map(), countries: new Map(), customEvents: new Map(), entries: new Map(), returningByVisitorId: 0 };
      sites.set(site, entry);
    }
    return entry;
  };
  const seenVisitors = new Set<string>();
  day.sessions.forEach((session, index) => {
    const site = siteOf(session.site);
    site.sessions += 1;
    // GPC visits are anonymous: no visitorId is stored or queued, so each session is its own visitor.
    const visitorKey = session.gpc ? `session:${index}` : `${session.site}\n${session.visitorId}`;
    const first = session.steps[0]!;
    // A redirect-page session enters on the page it lands on (its record is stored under the landing page).
    bump(site.entries, first.kind === 'redirect' ? new URL(first.next, `https://${session.site}`).pathname : new URL(first.url).pathname);
    if (seenVisitors.has(visitorKey)) site.returningByVisitorId += 1;
    else {
      seenVisitors.add(visitorKey);
      site.visitors += 1;
      bump(site.browsers, session.gpc ? '(unknown)' : session.agent.browser);
      bump(site.os, session.gpc ? '(unknown)' : session.agent.os);
      bump(site.devices, session.gpc ? '(unknown)' : session.agent.device);
      bump(site.countries, session.gpc || session.country === undefined ? '(unknown)' : session.country);
    }
    for (const step of session.steps) {
      if (session.gpc) site.gpc += 1;
      if (step.kind === 'event') {
        site.events += 1;
        bump(site.customEvents, step.name);
        continue;
      }
      // The redirect page's record is stored under the page it lands on (its target without the fragment), not /v1/r.
      const url = step.kind === 'redirect' ? new URL(step.next, `https://${session.site}`).href.split('#')[0]! : step.url;
      const parsed = new URL(url);
      site.pageviews += 1;
      const page = site.pages.get(parsed.pathname) ?? { pageviews: 0, sessions: new Set<number>() };
      page.pageviews += 1;
      page.sessions.add(index);
      site.pages.set(parsed.pathname, page);
      if (step.kind === 'pageview') {
        const viewers = site.urls.get(url) ?? new Set<number>();
        viewers.add(index);
        site.urls.set(url, viewers);
        if (step.ref !== undefined && new URL(step.ref).host !== parsed.host) bump(site.referrers, new URL(step.ref).hostname);
      }
      const campaign = parsed.searchParams.get('utm_campaign');
      const source = parsed.searchParams.get('utm_source');
      if (campaign !== null) bump(site.campaigns, campaign);
      if (source !== null) bump(site.sources, source);
    }
  });
  for (const bot of day.bots) siteOf(new URL(bot.url).host).bots += 1;
  return sites;
}

/** A Map as the `[{ value, count }]` list /v1/stats answers (count descending, then value). */
export function rankedList(map: Map<string, number>): { value: string; count: number }[] {
  return [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
}
