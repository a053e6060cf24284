import uPlot from 'uplot';

/**
 * The dashboard page's script: reads `dashboard/stats.json` (same origin, the session cookie) and
 * draws the numbers. No third-party code or request; the page's CSP allows only this file.
 */

interface Ranked {
  value: string;
  count: number;
}
interface DayStats {
  date: string;
  visitors: number;
  sessions: number;
  pageviews: number;
  events: number;
  gpc: number;
  bots: number;
  gpcDropped: number;
}
interface Stats {
  site: string | null;
  from: string;
  to: string;
  sites: { site: string; lastDay?: string }[];
  totals: Omit<DayStats, 'date'>;
  days: DayStats[];
  pages: { path: string; pageviews: number; sessions: number }[];
  latestEventAt: string | null;
  [list: string]: unknown;
}

const LISTS = ['referrers', 'campaigns', 'sources', 'browsers', 'os', 'devices', 'countries', 'events'];
/** A day without a counted event this long, while the range includes today: the queue may be behind. */
const QUIET_MS = 15 * 60 * 1000;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const formatNumber = (value: number): string => value.toLocaleString('en');
let chart: uPlot | undefined;
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

/** Replaces a table's rows; an empty list gets one row saying so. */
function fillTable(id: string, rows: readonly (readonly string[])[], emptyText: string): void {
  const table = byId<HTMLTableElement>(id);
  const body = table.tBodies[0] ?? table.createTBody();
  const columns = table.tHead?.rows[0]?.cells.length ?? 2;
  body.replaceChildren();
  if (rows.length === 0) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = columns;
    cell.className = 'empty';
    cell.textContent = emptyText;
    return;
  }
  for (const values of rows) {
    const row = body.insertRow();
    values.forEach((value, index) => {
      const cell = row.insertCell();
      cell.textContent = value;
      if (index > 0) cell.className = 'num';
    });
  }
}

function label(list: string, value: string): string {
  if (list === 'countries' && /^[A-Z]{2}$/.test(value)) {
    const name = countryNames?.of(value);
    return name === undefined || name === value ? value : `${name} (${value})`;
  }
  return value;
}

function drawChart(days: readonly DayStats[]): void {
  const target = byId('chart');
  const xs = days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000);
  const data: uPlot.AlignedData = [xs, days.map((day) => day.visitors), days.map((day) => day.pageviews)];
  chart?.destroy();
  chart = new uPlot(
    {
      width: Math.max(280, target.clientWidth || 640),
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_self, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      series: [
        { label: 'Day (UTC)' },
        { label: 'Unique visitors', stroke: '#1f5fbf', width: 2, points: { show: days.length <= 62 } },
        { label: 'Pageviews', stroke: '#a33e00', width: 2, dash: [6, 4], points: { show: days.length <= 62 } },
      ],
      axes: [
        { stroke: '#1a1a1a', grid: { stroke: '#e3e3e3' }, ticks: { stroke: '#d0d0d0' } },
        { stroke: '#1a1a1a', grid: { stroke: '#e3e3e3' }, ticks: { stroke: '#d0d0d0' } },
      ],
    },
    data,
    target,
  );
}

function render(stats: Stats): void {
  const select = byId<HTMLSelectElement>('site');
  select.replaceChildren(...stats.sites.map((entry) => new Option(entry.site, entry.site, false, entry.site === stats.site)));
  if (stats.sites.length === 0) select.append(new Option('(no sites yet)', ''));
  byId<HTMLInputElement>('from').value = stats.from;
  byId<HTMLInputElement>('to').value = stats.to;
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-total]'))) {
    const value = (stats.totals as unknown as Record<string, number>)[node.dataset.total ?? ''];
    node.textContent = formatNumber(value ?? 0);
  }
  drawChart(stats.days);
  fillTable(
    'days',
    [...stats.days].reverse().map((day) => [day.date, formatNumber(day.visitors), formatNumber(day.pageviews), formatNumber(day.bots)]),
    'No days in the range.',
  );
  fillTable('pages', stats.pages.map((page) => [page.path, formatNumber(page.sessions), formatNumber(page.pageviews)]), 'No pageviews in this range.');
  for (const list of LISTS) {
    const entries = (stats[list] as Ranked[] | undefined) ?? [];
    fillTable(list, entries.map((entry) => [label(list, entry.value), formatNumber(entry.count)]), 'Nothing in this range.');
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
}

async function load(params: URLSearchParams): Promise<void> {
  setStatus('Loading the numbers…');
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

function start(): void {
  const initial = new URLSearchParams();
  const current = new URLSearchParams(location.search);
  for (const name of ['site', 'from', 'to']) {
    const value = current.get(name);
    if (value !== null && value !== '') initial.set(name, value);
  }
  byId<HTMLFormElement>('range').addEventListener('submit', (event) => {
    event.preventDefault();
    const params = paramsFromForm();
    history.replaceState(null, '', `?${params.toString()}`);
    void load(params);
  });
  let resizing: number | undefined;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(() => chart?.setSize({ width: Math.max(280, byId('chart').clientWidth), height: 260 }), 150);
  });
  void load(initial);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
