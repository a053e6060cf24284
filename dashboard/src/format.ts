/**
 * The dashboard's pure formatting helpers (no DOM), apart so they are unit-tested
 * (test/dashboard/format.test.ts): changes against the previous period, the chart's count ticks,
 * and the CSV of the current view.
 */

/** The y axis's tick steps: whole numbers only, since counts have no halves. */
export const integerTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000];

/** Tick labels of the count axis: a fraction (should uPlot ever pick one) gets no label. @example tickLabels([0, 2.5, 5]) // ['0', '', '5'] */
export function tickLabels(splits: readonly number[]): string[] {
  return splits.map((value) => (Number.isInteger(value) ? value.toLocaleString('en') : ''));
}

/**
 * "▲ 25% vs the previous 7 days (8)": the arrow and the words carry the meaning, colour only repeats it.
 * @example describeChange(10, 8, 'the day before') // { text: '▲ 25% vs the day before (8)', direction: 'up' }
 */
export function describeChange(now: number, before: number, period: string, format: (value: number) => string = String): { text: string; direction: 'up' | 'down' | 'same' } {
  if (now === before) return { text: `No change vs ${period}`, direction: 'same' };
  const direction = now > before ? 'up' : 'down';
  const arrow = direction === 'up' ? '▲' : '▼';
  if (before === 0) return { text: `${arrow} new vs ${period} (0)`, direction };
  const percent = Math.round((Math.abs(now - before) / before) * 100);
  return { text: `${arrow} ${percent}% vs ${period} (${format(before)})`, direction };
}

/** A CSV cell, quoted when needed; a leading = + - @ is escaped so a spreadsheet never runs a page path as a formula. @example csvCell('=cmd') // "'=cmd" */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** What the CSV reads of a stats answer. */
export interface CsvSource {
  readonly from: string;
  readonly to: string;
  readonly totals: object;
  readonly previous?: { readonly from: string; readonly to: string; readonly totals: object };
  readonly days: readonly { readonly date: string; readonly visitors: number; readonly pageviews: number; readonly sessions: number; readonly bots: number }[];
  readonly hours?: readonly { readonly hour: string; readonly visitors: number; readonly pageviews: number }[];
  readonly pages: readonly { readonly path: string; readonly sessions: number; readonly pageviews: number }[];
  readonly [list: string]: unknown;
}

/**
 * The current view, one number per row (section, name, metric, value): easy to filter and pivot.
 * @example toCsv(csvRows(stats, ['entries', 'referrers']))
 */
export function csvRows(stats: CsvSource, lists: readonly string[]): (string | number)[][] {
  const rows: (string | number)[][] = [['section', 'name', 'metric', 'value']];
  for (const [name, value] of Object.entries(stats.totals)) rows.push(['total', `${stats.from}..${stats.to}`, name, Number(value)]);
  if (stats.previous !== undefined) {
    for (const [name, value] of Object.entries(stats.previous.totals)) rows.push(['previous total', `${stats.previous.from}..${stats.previous.to}`, name, Number(value)]);
  }
  for (const day of stats.days) for (const metric of ['visitors', 'pageviews', 'sessions', 'bots'] as const) rows.push(['day', day.date, metric, day[metric]]);
  for (const hour of stats.hours ?? []) for (const metric of ['visitors', 'pageviews'] as const) rows.push(['hour', hour.hour, metric, hour[metric]]);
  for (const page of stats.pages) {
    rows.push(['pages', page.path, 'sessions', page.sessions]);
    rows.push(['pages', page.path, 'pageviews', page.pageviews]);
  }
  for (const list of lists) {
    const entries = stats[list];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as { value: string; count: number }[]) rows.push([list, entry.value, 'count', entry.count]);
  }
  return rows;
}

/** @example toCsv([['a', 1]]) // 'a,1\r\n' */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
