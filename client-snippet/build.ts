import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../infra/lib/package-root';

// From the package root, so the compiled build (dist/client-snippet/build.js of the installed package) finds the sources too.
const HERE = join(packageRoot(__dirname), 'client-snippet');
export const SNIPPET_ENTRY = join(HERE, 'src', 'snippet.ts');
export const SNIPPET_OUT = join(HERE, 'dist', 'snippet.js');

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2018'],
  legalComments: 'none',
  logLevel: 'silent',
  write: false,
};

/**
 * The snippet (FingerprintJS included, telemetry off) as one minified IIFE, in memory.
 * @example const code = await snippetCode()
 */
export async function snippetCode(): Promise<string> {
  const result = await build({ ...COMMON, entryPoints: [SNIPPET_ENTRY] });
  return result.outputFiles?.[0]?.text ?? '';
}

/**
 * Bundles the snippet into one minified IIFE file. The file is written under a temporary name and
 * renamed, so a server or a parallel test worker never reads a half-written snippet.
 * @example await buildSnippet() // writes client-snippet/dist/snippet.js
 */
export async function buildSnippet(outfile: string = SNIPPET_OUT): Promise<string> {
  const code = await snippetCode();
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, outfile);
  return outfile;
}

export interface SnippetSizes {
  readonly snippet: { readonly raw: number; readonly gzip: number };
  /** `@fingerprintjs/fingerprintjs` alone (its `load`, all the snippet uses), bundled and minified the same way. */
  readonly fingerprintjs: { readonly raw: number; readonly gzip: number };
  /** gzip(snippet) − gzip(FingerprintJS alone): what the tracker adds on the wire. */
  readonly overheadGzip: number;
}

const sizes = (code: string) => ({ raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });

/**
 * Sizes of the snippet and of FingerprintJS alone (both esbuild IIFE, minified, gzip level 9).
 * FingerprintJS alone is its `load` export, exactly the part of the package the snippet contains.
 * @example const { overheadGzip } = await snippetSizes() // about 1.5 KB
 */
export async function snippetSizes(): Promise<SnippetSizes> {
  const fingerprintjs = await build({
    ...COMMON,
    // Only `load`, the one export the snippet imports: the whole package would make the tracker look ~500 B smaller.
    stdin: { contents: "export { load } from '@fingerprintjs/fingerprintjs';", resolveDir: HERE, loader: 'ts' },
    globalName: 'FingerprintJS',
  });
  const snippet = sizes(await snippetCode());
  const alone = sizes(fingerprintjs.outputFiles?.[0]?.text ?? '');
  return { snippet, fingerprintjs: alone, overheadGzip: snippet.gzip - alone.gzip };
}

if (require.main === module) {
  buildSnippet().then(
    async (file) => {
      const { snippet, overheadGzip } = await snippetSizes();
      console.log(`built ${file}: ${snippet.raw} B, ${snippet.gzip} B gzipped (${overheadGzip} B over FingerprintJS alone)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
