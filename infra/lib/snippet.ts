import { join } from 'node:path';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { buildSnippet } from '../../client-snippet/build';

/** The file the snippet function reads next to its handler (functions/snippet/handler.ts). */
export const SNIPPET_FILE_NAME = 'snippet.js';

const quote = (value: string): string => `"${value.replace(/(["\\$`])/g, '\\$1')}"`;

/**
 * Bundling hooks of the snippet function: after esbuild has bundled the handler, build the browser
 * snippet (client-snippet/build.ts, the one build definition) straight into the function's bundle.
 * It runs as a child process because CDK bundling hooks are shell commands.
 */
export function snippetCommandHooks(): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [
      [process.execPath, '--require', require.resolve('tsx/cjs'), __filename, join(outputDir, SNIPPET_FILE_NAME)].map(quote).join(' '),
    ],
  };
}

if (require.main === module) {
  const outfile = process.argv[2];
  if (outfile === undefined) {
    console.error('usage: build the snippet into <outfile>');
    process.exit(2);
  }
  buildSnippet(outfile).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
