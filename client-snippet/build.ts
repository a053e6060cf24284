import { build } from 'esbuild';
import { join } from 'node:path';

export const SNIPPET_ENTRY = join(__dirname, 'src', 'snippet.ts');
export const SNIPPET_OUT = join(__dirname, 'dist', 'snippet.js');

/**
 * Bundles the snippet (FingerprintJS included, telemetry off) into one minified IIFE.
 * @example await buildSnippet() // writes client-snippet/dist/snippet.js
 */
export async function buildSnippet(outfile: string = SNIPPET_OUT): Promise<string> {
  await build({
    entryPoints: [SNIPPET_ENTRY],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2018'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  return outfile;
}

if (require.main === module) {
  buildSnippet().then((file) => console.log(`built ${file}`), (error) => {
    console.error(error);
    process.exit(1);
  });
}
