import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../infra/lib/package-root';

// From the package root, so the compiled build (dist/dashboard/build.js of the installed package) finds the sources too.
const HERE = join(packageRoot(__dirname), 'dashboard');
export const DASHBOARD_SCRIPT_ENTRY = join(HERE, 'src', 'app.ts');
export const DASHBOARD_STYLE_ENTRY = join(HERE, 'src', 'app.css');
/** Where `npm start` builds the dashboard; the dashboard-files function reads the same two files next to its handler in AWS. */
export const DASHBOARD_DIST = join(HERE, 'dist');
export const DASHBOARD_FILES = ['app.js', 'app.css'] as const;

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'silent',
  write: false,
};

/**
 * The dashboard's script (our code and uPlot, one minified IIFE) and stylesheet (uPlot's CSS and
 * ours), in memory.
 * @example const { script, style } = await dashboardCode()
 */
export async function dashboardCode(): Promise<{ script: string; style: string }> {
  const [script, style] = await Promise.all([
    build({ ...COMMON, entryPoints: [DASHBOARD_SCRIPT_ENTRY], format: 'iife' }),
    build({ ...COMMON, entryPoints: [DASHBOARD_STYLE_ENTRY], loader: { '.css': 'css' } }),
  ]);
  return { script: script.outputFiles?.[0]?.text ?? '', style: style.outputFiles?.[0]?.text ?? '' };
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * Builds `app.js` and `app.css` into `outDir` (written under temporary names and renamed, so a
 * running server never serves half a file).
 * @example await buildDashboard() // dashboard/dist/app.js, dashboard/dist/app.css
 */
export async function buildDashboard(outDir: string = DASHBOARD_DIST): Promise<string> {
  const { script, style } = await dashboardCode();
  mkdirSync(outDir, { recursive: true });
  writeAtomically(join(outDir, 'app.js'), script);
  writeAtomically(join(outDir, 'app.css'), style);
  return outDir;
}

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * True when a built file is missing or older than a source (the local stack then rebuilds).
 * @example if (dashboardIsStale()) await buildDashboard()
 */
export function dashboardIsStale(outDir: string = DASHBOARD_DIST): boolean {
  const built = Math.min(...DASHBOARD_FILES.map((file) => mtime(join(outDir, file))));
  const sources = Math.max(mtime(DASHBOARD_SCRIPT_ENTRY), mtime(DASHBOARD_STYLE_ENTRY), mtime(__filename));
  return built < 0 || built < sources;
}

/**
 * Raw and gzip (level 9) sizes of the script and stylesheet, for the size budget and the benchmark.
 * @example const { script, style } = await dashboardSizes()
 */
export async function dashboardSizes(): Promise<{ script: { raw: number; gzip: number }; style: { raw: number; gzip: number } }> {
  const { script, style } = await dashboardCode();
  const sizes = (code: string) => ({ raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });
  return { script: sizes(script), style: sizes(style) };
}

if (require.main === module) {
  const outDir = process.argv[2];
  buildDashboard(outDir).then(
    async (dir) => {
      const { script, style } = await dashboardSizes();
      console.log(`built ${dir}: app.js ${script.raw} B (${script.gzip} B gzipped), app.css ${style.raw} B (${style.gzip} B gzipped)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
