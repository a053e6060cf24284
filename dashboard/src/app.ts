import uPlot from 'uplot';
import { csvRows, describeChange, integerTicks, tickLabels, toCsv } from './format';

/**
 * The dashboard page's script: reads `dashboard/stats.json` and `dashboard/realtime.json` (same
 * origin, the session cookie) and draws the numbers. No third-party code or request; the page's
 * CSP allows only this file.
 */

interface Ranked {
  value: string;
  count: number;
}
interface Totals {
  visitors: number;
  sessions: number;
  pageviews: number;
  events: number;
  gpc: number;
  bots: number;
  gpcDropped: number;
  returning: number;
  returningByCookie: number;
  returningByVisitorId: number;
  returningByFingerprint: number;
}
interface DayStats extends Totals {
  date: string;
}
interface HourStats {
  hour: string;
  visitors: number;
  pageviews: number;
}
interface Stats {
  site: string | null;
  from: string;
  to: string;
  sites: { site: string; lastDay?: string }[];
  totals: Totals;
  days: DayStats[];
  hours?: HourStats[];
  pages: { path: string; pageviews: number; sessions: number }[];
  entries: Ranked[];
  previous?: { from: string; to: string; totals: Totals; days?: DayStats[]; hours?: HourStats[] };
  latestEventAt: string | null;
  [list: string]: unknown;
}

/** The top lists, and what fills each one when it is empty. */
const LISTS: readonly { id: string; empty: string }[] = [
  { id: 'referrers', empty: 'Referrers appear when visitors follow a link from another site.' },
  { id: 'campaigns', empty: 'UTM campaigns appear when links carry utm_campaign.' },
  { id: 'sources', empty: 'UTM sources appear when links carry utm_source.' },
  { id: 'browsers', empty: 'Browsers appear with the first visit in this range.' },
  { id: 'os', empty: 'Operating systems appear with the first visit in this range.' },
  { id: 'devices', empty: 'Device types appear with the first visit in this range.' },
  { id: 'countries', empty: 'Countries appear when CloudFront or Cloudflare sends the viewer country.' },
  { id: 'events', empty: "Custom events appear when your pages call edgeprint.track('name')." },
];
/** Totals where more is not better: their change is shown without colour. */
const NEUTRAL = new Set(['bots', 'gpcDropped', 'gpc']);
/** A day without a counted event this long, while the range includes today: the queue may be behind. */
const QUIET_MS = 15 * 60 * 1000;
const REALTIME_MS = 30 * 1000;
const DAY_MS = 86_400_000;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const formatNumber = (value: number): string => value.toLocaleString('en');
let chart: uPlot | undefined;
let current: Stats | undefined;
let realtimeTimer: number | undefined;
let countryNames: Intl.DisplayNames | undefined;
try {
  countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
} catch {
  countryNames = undefined;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function setStatus(text: string): void {
  byId('status').textContent = text;
}

/** Shows (or hides) the alert box; `action` adds a link, e.g. to sign in again. */
function setNotice(text: string | undefined, action?: { label: string; href: string }): void {
  const notice = byId('notice');
  notice.textContent = text ?? '';
  if (action !== undefined) {
    const link = element('a', action.label);
    link.href = action.href;
    notice.append(' ', link);
  }
  notice.hidden = text === undefined;
}

function emptyRow(body: HTMLTableSectionElement, columns: number, text: string): void {
  const cell = body.insertRow().insertCell();
  cell.colSpan = columns;
  cell.className = 'empty';
  cell.textContent = text;
}

/** Replaces a plain table's rows; an empty list gets one row saying so. */
function fillTable(id: string, rows: readonly (readonly string[])[], emptyText: string): void {
  const table = byId<HTMLTableElement>(id);
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  if (rows.length === 0) return emptyRow(body, table.tHead?.rows[0]?.cells.length ?? 2, emptyText);
  for (const values of rows) {
    const row = body.insertRow();
    values.forEach((value, index) => {
      const cell = row.insertCell();
      cell.textContent = value;
      if (index > 0) cell.className = 'num';
    });
  }
}

/**
 * Fills a top list: the label cell holds the full text (so screen readers read it whole; CSS cuts it
 * with an ellipsis, the title shows it on hover) over a bar as wide as the row's share of the
 * largest entry.
 */
function fillList(id: string, rows: readonly { label: string; counts: readonly number[] }[], emptyText: string): void {
  const table = byId<HTMLTableElement>(id);
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren();
  if (rows.length === 0) return emptyRow(body, table.tHead?.rows[0]?.cells.length ?? 2, emptyText);
  const largest = Math.max(1, ...rows.map((row) => row.counts[0] ?? 0));
  for (const entry of rows) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.className = 'label';
    cell.title = entry.label;
    const bar = element('span', undefined, 'share-bar');
    bar.setAttribute('aria-hidden', 'true');
    // CSSOM, not a style attribute: the page's CSP allows no inline style.
    bar.style.width = `${((entry.counts[0] ?? 0) / largest) * 100}%`;
    cell.append(bar, element('span', entry.label, 'text'));
    for (const count of entry.counts) row.insertCell().textContent = formatNumber(count);
    for (const number of Array.from(row.cells).slice(1)) number.className = 'num';
  }
}

function label(list: string, value: string): string {
  if (list === 'countries' && /^[A-Z]{2}$/.test(value)) {
    const name = countryNames?.of(value);
    return name === undefined || name === value ? value : `${name} (${value})`;
  }
  return value;
}

const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

function previousLabel(stats: Stats): string {
  const length = daysIn(stats.from, stats.to);
  return length === 1 ? 'the day before' : `the previous ${length} days`;
}

/** Unix seconds of the chart's points: hours for a one-day range, else days. */
function series(stats: Stats): { xs: number[]; visitors: number[]; pageviews: number[]; previous: (number | null)[]; hourly: boolean } {
  if (stats.hours !== undefined) {
    const before = stats.previous?.hours;
    return {
      xs: stats.hours.map((hour) => Date.parse(hour.hour) / 1000),
      visitors: stats.hours.map((hour) => hour.visitors),
      pageviews: stats.hours.map((hour) => hour.pageviews),
      previous: stats.hours.map((_, index) => before?.[index]?.visitors ?? null),
      hourly: true,
    };
  }
  const before = stats.previous?.days;
  return {
    xs: stats.days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000),
    visitors: stats.days.map((day) => day.visitors),
    pageviews: stats.days.map((day) => day.pageviews),
    previous: stats.days.map((_, index) => before?.[index]?.visitors ?? null),
    hourly: false,
  };
}

/** The legend under the title: the pointed-at point, else the latest one (not a future hour). */
function showLegend(points: ReturnType<typeof series>, index: number | null | undefined): void {
  const nowSeconds = Date.now() / 1000;
  let at = index ?? -1;
  if (at < 0) {
    at = points.xs.length - 1;
    while (at > 0 && points.xs[at]! > nowSeconds) at -= 1;
  }
  const x = points.xs[at];
  if (x === undefined) return;
  const iso = new Date(x * 1000).toISOString();
  const when = points.hourly ? `${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
  const legend = byId('legend');
  const part = (name: string, value: number | null | undefined, className: string) => {
    const span = element('span', `${name}: ${value === null || value === undefined ? '–' : formatNumber(value)}`, `key ${className}`);
    return span;
  };
  legend.replaceChildren(
    element('strong', when),
    part('Unique visitors', points.visitors[at], 'k-visitors'),
    part('Pageviews', points.pageviews[at], 'k-pageviews'),
    part('Visitors, previous period', points.previous[at], 'k-previous'),
  );
}

function drawChart(stats: Stats): void {
  const target = byId('chart');
  const points = series(stats);
  byId('h-trend').textContent = points.hourly ? 'Unique visitors and pageviews per hour (UTC)' : 'Unique visitors and pageviews per day';
  const data: uPlot.AlignedData = [points.xs, points.visitors, points.pageviews, points.previous];
  const showPoints = points.xs.length <= 62;
  chart?.destroy();
  chart = new uPlot(
    {
      width: Math.max(280, target.clientWidth || 640),
      height: 260,
      legend: { show: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_self, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      series: [
        { label: points.hourly ? 'Hour (UTC)' : 'Day (UTC)' },
        { label: 'Unique visitors', stroke: '#1f5fbf', width: 2, points: { show: showPoints } },
        { label: 'Pageviews', stroke: '#a33e00', width: 2, dash: [6, 4], points: { show: showPoints } },
        { label: 'Visitors, previous period', stroke: '#8fb0e0', width: 2, points: { show: false }, show: stats.previous !== undefined },
      ],
      axes: [
        {
          stroke: '#1a1a1a',
          grid: { stroke: '#e3e3e3' },
          ticks: { stroke: '#d0d0d0' },
          // 24-hour UTC times, and ISO month-day dates: the same on every locale.
          values: (_self, splits) => splits.map((x) => new Date(x * 1000).toISOString().slice(points.hourly ? 11 : 5, points.hourly ? 16 : 10)),
        },
        {
          stroke: '#1a1a1a',
          grid: { stroke: '#e3e3e3' },
          ticks: { stroke: '#d0d0d0' },
          incrs: integerTicks,
          values: (_self, splits) => tickLabels(splits),
        },
      ],
      hooks: { setCursor: [(self) => showLegend(points, self.cursor.idx)] },
    },
    data,
    target,
  );
  showLegend(points, null);
}

function renderTotals(stats: Stats): void {
  const totals = stats.totals as unknown as Record<string, number>;
  const before = stats.previous?.totals as unknown as Record<string, number> | undefined;
  const period = previousLabel(stats);
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-total]'))) {
    node.textContent = formatNumber(totals[node.dataset.total ?? ''] ?? 0);
  }
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-delta]'))) {
    const name = node.dataset.delta ?? '';
    if (before === undefined) {
      node.textContent = '';
      continue;
    }
    const change = describeChange(totals[name] ?? 0, before[name] ?? 0, period, formatNumber);
    node.textContent = change.text;
    node.className = `delta ${NEUTRAL.has(name) ? 'same' : change.direction}`;
  }
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-returning]'))) {
    node.textContent = formatNumber(totals[node.dataset.returning ?? ''] ?? 0);
  }
  const share = stats.totals.visitors === 0 ? undefined : Math.round((stats.totals.returning / stats.totals.visitors) * 100);
  byId('returning-share').textContent = share === undefined ? '' : `sessions, ${share}% of unique visitors`;
}

function render(stats: Stats): void {
  current = stats;
  const select = byId<HTMLSelectElement>('site');
  select.replaceChildren(...stats.sites.map((entry) => new Option(entry.site, entry.site, false, entry.site === stats.site)));
  if (stats.sites.length === 0) select.append(new Option('(no sites yet)', ''));
  byId<HTMLInputElement>('from').value = stats.from;
  byId<HTMLInputElement>('to').value = stats.to;
  renderTotals(stats);
  drawChart(stats);
  fillTable(
    'days',
    [...stats.days].reverse().map((day) => [day.date, formatNumber(day.visitors), formatNumber(day.pageviews), formatNumber(day.bots)]),
    'No days in the range.',
  );
  byId('hours-details').hidden = stats.hours === undefined;
  fillTable(
    'hours',
    (stats.hours ?? []).map((hour, index) => [hour.hour.slice(11, 16), formatNumber(hour.visitors), formatNumber(hour.pageviews), formatNumber(stats.previous?.hours?.[index]?.visitors ?? 0)]),
    'No hours in the range.',
  );
  fillList('pages', stats.pages.map((page) => ({ label: page.path, counts: [page.sessions, page.pageviews] })), 'Pages appear when the snippet or the edge records a pageview.');
  fillList('entries', (stats.entries ?? []).map((entry) => ({ label: entry.value, counts: [entry.count] })), 'Entry pages appear with the first pageview of each session.');
  for (const list of LISTS) {
    const entries = (stats[list.id] as Ranked[] | undefined) ?? [];
    fillList(list.id, entries.map((entry) => ({ label: label(list.id, entry.value), counts: [entry.count] })), list.empty);
  }
  const counted = stats.totals.pageviews + stats.totals.events + stats.totals.bots + stats.totals.gpcDropped;
  if (stats.site === null) {
    setStatus('No data yet: nothing has been aggregated. Open a page that runs the snippet (npm start serves a demo at /), then come back in a few seconds.');
  } else if (counted === 0) {
    setStatus(`No visits counted for ${stats.site} from ${stats.from} to ${stats.to} (UTC days). Pick another range or site.`);
  } else {
    const latest = stats.latestEventAt === null ? '' : ` Latest counted event: ${stats.latestEventAt.replace('T', ' ').slice(0, 16)} UTC.`;
    setStatus(`${stats.site}, ${stats.from} to ${stats.to} (UTC days).${latest}`);
  }
  const today = new Date().toISOString().slice(0, 10);
  const quiet = stats.latestEventAt !== null && Date.now() - Date.parse(stats.latestEventAt) > QUIET_MS;
  setNotice(
    stats.site !== null && stats.to >= today && quiet && counted > 0
      ? 'No event counted in the last 15 minutes. Either there was no traffic, or the aggregates are catching up: they are updated from the event queue, usually within seconds.'
      : undefined,
  );
  void refreshRealtime();
}

async function refreshRealtime(): Promise<void> {
  const site = current?.site;
  const target = byId('realtime');
  if (site === null || site === undefined) {
    target.textContent = 'No site yet';
    return;
  }
  try {
    const response = await fetch(new URL(`dashboard/realtime.json?site=${encodeURIComponent(site)}`, location.href).href, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) return;
    const body = (await response.json()) as { visitors: number };
    if (current?.site !== site) return;
    target.dataset.count = String(body.visitors);
    target.textContent = `${formatNumber(body.visitors)} ${body.visitors === 1 ? 'visitor' : 'visitors'} in the last 5 minutes`;
  } catch {
    // The next refresh tries again; the last count stays.
  }
}

/** Every 30 s while the page is visible; at once when it becomes visible again. */
function scheduleRealtime(): void {
  window.clearInterval(realtimeTimer);
  realtimeTimer = undefined;
  if (document.visibilityState !== 'visible') return;
  realtimeTimer = window.setInterval(() => void refreshRealtime(), REALTIME_MS);
}

function downloadCsv(): void {
  if (current === undefined) return;
  const url = URL.createObjectURL(new Blob([toCsv(csvRows(current, ['entries', ...LISTS.map((entry) => entry.id)]))], { type: 'text/csv;charset=utf-8' }));
  const link = element('a');
  link.href = url;
  link.download = `edgeprint-${(current.site ?? 'no-site').replace(/[^a-z0-9.-]/gi, '_')}-${current.from}-${current.to}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function load(params: URLSearchParams): Promise<void> {
  setStatus('Loading the numbers…');
  params.set('compare', 'previous');
  let response: Response;
  try {
    response = await fetch(new URL(`dashboard/stats.json?${params.toString()}`, location.href).href, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    setStatus('');
    setNotice('The numbers could not be loaded: the server did not answer. Press Show to try again.');
    return;
  }
  if (response.status === 401) {
    setStatus('');
    setNotice('Your dashboard session has expired.', { label: 'Sign in again', href: new URL('dashboard', location.href).pathname });
    return;
  }
  if (!response.ok) {
    let detail = `the server answered ${response.status}`;
    try {
      const body = (await response.json()) as { error?: { message?: string; fields?: Record<string, string[]> } };
      const fields = Object.entries(body.error?.fields ?? {}).map(([name, messages]) => `${name}: ${messages.join(', ')}`);
      if (response.status < 500 && fields.length > 0) detail = fields.join('; ');
    } catch {
      // keep the status
    }
    setStatus('');
    setNotice(`The numbers could not be loaded (${detail}).`);
    return;
  }
  render((await response.json()) as Stats);
}

function paramsFromForm(): URLSearchParams {
  const params = new URLSearchParams();
  const site = byId<HTMLSelectElement>('site').value;
  const from = byId<HTMLInputElement>('from').value;
  const to = byId<HTMLInputElement>('to').value;
  if (site !== '') params.set('site', site);
  if (from !== '') params.set('from', from);
  if (to !== '') params.set('to', to);
  return params;
}

function submit(): void {
  const params = paramsFromForm();
  history.replaceState(null, '', `?${params.toString()}`);
  void load(params);
}

function start(): void {
  const initial = new URLSearchParams();
  const query = new URLSearchParams(location.search);
  for (const name of ['site', 'from', 'to']) {
    const value = query.get(name);
    if (value !== null && value !== '') initial.set(name, value);
  }
  byId<HTMLFormElement>('range').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-days]'))) {
    button.addEventListener('click', () => {
      const today = new Date().toISOString().slice(0, 10);
      byId<HTMLInputElement>('to').value = today;
      byId<HTMLInputElement>('from').value = new Date(Date.parse(`${today}T00:00:00Z`) - (Number(button.dataset.days) - 1) * DAY_MS).toISOString().slice(0, 10);
      submit();
    });
  }
  byId('csv').addEventListener('click', downloadCsv);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refreshRealtime();
    scheduleRealtime();
  });
  scheduleRealtime();
  let resizing: number | undefined;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(() => chart?.setSize({ width: Math.max(280, byId('chart').clientWidth), height: 260 }), 150);
  });
  void load(initial);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
