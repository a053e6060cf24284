import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDashboard, dashboardCode, dashboardSizes } from '../../dashboard/build';
import { renderDashboardPage, renderLoginPage } from '../../layers/core/src/endpoints/dashboard-page';

/** The whole page on the wire: the HTML, the script and the stylesheet, gzipped. */
const BUDGET_GZIP_BYTES = 100 * 1024;

describe('buildDashboard()', () => {
  it('writes app.js and app.css', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeprint-dashboard-'));
    try {
      await buildDashboard(dir);
      const script = readFileSync(join(dir, 'app.js'), 'utf8');
      expect(script).toContain('stats.json');
      expect(readFileSync(join(dir, 'app.css'), 'utf8')).toContain('.u-legend');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`keeps the page under ${BUDGET_GZIP_BYTES / 1024} KiB gzipped, charting library included`, async () => {
    const { script, style } = await dashboardSizes();
    const html = gzipSync(renderDashboardPage('https://api.example/dashboard').html, { level: 9 }).length;
    const total = script.gzip + style.gzip + html;
    console.info(`dashboard: app.js ${script.gzip} B, app.css ${style.gzip} B, page ${html} B gzipped; ${total} B in all`);
    expect(total).toBeLessThan(BUDGET_GZIP_BYTES);
  });

  it('names no other origin: the script and stylesheet load nothing from anywhere else', async () => {
    const { script, style } = await dashboardCode();
    for (const code of [script, style, renderDashboardPage('https://api.example/dashboard').html, renderLoginPage('https://api.example/dashboard').html]) {
      // Only the SVG and XHTML namespaces, which are identifiers, not requests.
      const urls = (code.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? []).filter((url) => !/www\.w3\.org\/(2000\/svg|1999\/xhtml)/.test(url));
      expect(urls).toEqual([]);
    }
  });
});
