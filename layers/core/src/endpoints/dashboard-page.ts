import { escapeHtml } from './redirect-page';

/** The dashboard's assets, relative to the page (`<prefix>/dashboard`): `<prefix>/dashboard/app.js`. */
export const DASHBOARD_SCRIPT = 'dashboard/app.js';
export const DASHBOARD_STYLE = 'dashboard/app.css';

export interface DashboardPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

/**
 * The CSP of both pages: nothing but the dashboard's own script and stylesheet (by URL, no inline
 * code at all), its own origin for data, forms posting only to itself, no framing.
 */
function policy(pageUrl: string, withScript: boolean): string {
  const asset = (relative: string) => new URL(relative, pageUrl).href.split('?')[0]!;
  return [
    "default-src 'none'",
    withScript ? `script-src ${asset(DASHBOARD_SCRIPT)}` : undefined,
    `style-src ${asset(DASHBOARD_STYLE)}`,
    withScript ? "connect-src 'self'" : undefined,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]
    .filter((directive) => directive !== undefined)
    .join('; ');
}

function layout(title: string, body: string, withScript: boolean): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">' +
    `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${DASHBOARD_STYLE}">` +
    (withScript ? `<script defer src="${DASHBOARD_SCRIPT}"></script>` : '') +
    `</head><body>${body}</body></html>`
  );
}

/**
 * The sign-in form: the API key is exchanged for a short-lived session cookie. `notice` explains an
 * ended session or a refused key, never why a key was refused.
 * @example renderLoginPage('https://api.example/dashboard', 'Sign-in failed.')
 */
export function renderLoginPage(pageUrl: string, notice?: string): DashboardPage {
  const message = notice === undefined ? '' : `<p class="notice" role="alert">${escapeHtml(notice)}</p>`;
  const body =
    '<main class="login" id="main"><h1>edgeprint dashboard</h1>' +
    message +
    '<form method="post" action="dashboard" class="login-form">' +
    '<label for="key">API key</label>' +
    '<input id="key" name="key" type="password" autocomplete="current-password" required maxlength="512" autofocus>' +
    '<button type="submit">Sign in</button></form>' +
    '<p class="hint">Use the API key of the admin routes. Locally it is in <code>.edgeprint/api-key</code> (<code>npm start</code> prints it); ' +
    'in AWS it is the <code>ApiKeySecret</code> in Secrets Manager. You stay signed in for an hour.</p></main>';
  return { html: layout('Sign in · edgeprint dashboard', body, false), contentSecurityPolicy: policy(pageUrl, false) };
}

const LISTS: readonly { id: string; title: string; column: string }[] = [
  { id: 'referrers', title: 'Top referrers', column: 'Referring site' },
  { id: 'campaigns', title: 'UTM campaigns', column: 'Campaign (utm_campaign)' },
  { id: 'sources', title: 'UTM sources', column: 'Source (utm_source)' },
  { id: 'browsers', title: 'Browsers', column: 'Browser' },
  { id: 'os', title: 'Operating systems', column: 'Operating system' },
  { id: 'devices', title: 'Device types', column: 'Device type' },
  { id: 'countries', title: 'Countries', column: 'Country' },
  { id: 'events', title: 'Custom events', column: 'Event' },
];

const TOTALS: readonly { id: string; label: string }[] = [
  { id: 'visitors', label: 'Unique visitors' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'pageviews', label: 'Pageviews' },
  { id: 'events', label: 'Custom events' },
  { id: 'gpc', label: 'GPC events' },
  { id: 'bots', label: 'Bots dropped' },
  { id: 'gpcDropped', label: 'GPC dropped' },
];

const RETURNING: readonly { id: string; label: string }[] = [
  { id: 'returningByCookie', label: 'by their cookie' },
  { id: 'returningByVisitorId', label: 'by the browser fingerprint, after the cookie was gone' },
  { id: 'returningByFingerprint', label: 'by the request fingerprint, after the cookie was gone' },
];

function table(id: string, title: string, columns: readonly string[]): string {
  const head = columns.map((column, index) => `<th scope="col"${index > 0 ? ' class="num"' : ''}>${escapeHtml(column)}</th>`).join('');
  return (
    `<section class="card" aria-labelledby="h-${id}"><h2 id="h-${id}">${escapeHtml(title)}</h2>` +
    `<table id="${id}" class="data list"><thead><tr>${head}</tr></thead><tbody><tr><td colspan="${columns.length}" class="empty">Loading…</td></tr></tbody></table></section>`
  );
}

const returningCard =
  '<section class="card returning" aria-labelledby="h-returning"><h2 id="h-returning">Returning devices</h2>' +
  '<p class="big"><span id="returning-total" data-returning="returning">–</span> <span id="returning-share" class="share"></span></p>' +
  `<ul class="breakdown">${RETURNING.map((entry) => `<li><span data-returning="${entry.id}">–</span> ${escapeHtml(entry.label)}</li>`).join('')}</ul>` +
  '<p class="hint">Sessions of this range from a device seen in an earlier session: recognised by its cookie, or, when the cookie was ' +
  'cleared or expired, by its FingerprintJS visitorId or its request fingerprint. Cookieless analytics count these as new visitors. ' +
  'Privacy: only visits with consent to fingerprinting are checked; visits without consent or with Global Privacy Control are ' +
  'never checked nor counted here, and the markers that recognise a device hold only hashes, kept 90 days.</p></section>';

/**
 * The dashboard itself: controls, the realtime count, totals with their change against the
 * previous period, returning devices, the chart (per day, or per hour for one day) and the top
 * lists, filled in by `dashboard/app.js` from `dashboard/stats.json` and `dashboard/realtime.json`.
 * No inline script or style.
 * @example renderDashboardPage('https://api.example/dashboard')
 */
export function renderDashboardPage(pageUrl: string): DashboardPage {
  const totals = TOTALS.map(
    (total) => `<div class="total"><dt>${escapeHtml(total.label)}</dt><dd data-total="${total.id}">–</dd><dd class="delta" data-delta="${total.id}"></dd></div>`,
  ).join('');
  const body =
    '<a class="skip" href="#main">Skip to the numbers</a>' +
    '<header class="top"><h1>edgeprint</h1>' +
    '<form id="range" class="controls" method="get" action="dashboard">' +
    '<label>Site <select id="site" name="site"><option value="">(latest)</option></select></label>' +
    '<label>From <input id="from" name="from" type="date"></label>' +
    '<label>To <input id="to" name="to" type="date"></label>' +
    '<button type="submit">Show</button></form>' +
    '<div class="presets" role="group" aria-label="Quick ranges"><button type="button" data-days="1">Today</button><button type="button" data-days="7">7 days</button><button type="button" data-days="30">30 days</button></div>' +
    '<form method="post" action="dashboard" class="signout"><input type="hidden" name="action" value="logout"><button type="submit">Sign out</button></form>' +
    '</header><main id="main" tabindex="-1">' +
    '<div class="bar-line"><p id="status" class="status" role="status" aria-live="polite">Loading the numbers…</p>' +
    '<p class="realtime"><span class="dot" aria-hidden="true"></span><span id="realtime" aria-live="polite">–</span></p>' +
    '<button type="button" id="csv" class="secondary">Download CSV</button></div>' +
    '<p id="notice" class="notice" role="alert" hidden></p>' +
    `<section aria-labelledby="h-totals"><h2 id="h-totals" class="visually-hidden">Totals for the range</h2><dl class="totals">${totals}</dl></section>` +
    '<section class="card" aria-labelledby="h-trend"><h2 id="h-trend">Unique visitors and pageviews per day</h2>' +
    '<p id="legend" class="legend"></p>' +
    '<div id="chart" class="chart" role="img" aria-label="Line chart of unique visitors and pageviews, with the previous period as a lighter line; the same numbers are in the tables below it."></div>' +
    '<details><summary>The numbers per day</summary><table id="days" class="data"><thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Unique visitors</th>' +
    '<th scope="col" class="num">Pageviews</th><th scope="col" class="num">Bots dropped</th></tr></thead><tbody></tbody></table></details>' +
    '<details id="hours-details" hidden><summary>The numbers per hour</summary><table id="hours" class="data"><thead><tr><th scope="col">Hour (UTC)</th><th scope="col" class="num">Unique visitors</th>' +
    '<th scope="col" class="num">Pageviews</th><th scope="col" class="num">Previous day\u2019s visitors</th></tr></thead><tbody></tbody></table></details></section>' +
    '<div class="grid">' +
    table('pages', 'Top pages', ['Page', 'Unique sessions', 'Pageviews']) +
    table('entries', 'Entry pages', ['First page of a session', 'Sessions']) +
    returningCard +
    LISTS.map((list) => table(list.id, list.title, [list.column, 'Count'])).join('') +
    '</div><p class="hint">What each number means: <code>docs/dashboard.md</code> in the edgeprint repository. ' +
    'The same data as JSON: <code>GET /v1/stats?site=&amp;from=&amp;to=&amp;compare=previous</code> and <code>GET /v1/stats/realtime?site=</code> with the API key.</p></main>' +
    '<noscript><p class="notice">The dashboard draws its numbers with its own script (no third-party code); enable JavaScript, or read <code>/v1/stats</code> with the API key.</p></noscript>';
  return { html: layout('edgeprint dashboard', body, true), contentSecurityPolicy: policy(pageUrl, true) };
}
