import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { buildDashboard } from '../../dashboard/build';

const quote = (value: string): string => `"${value.replace(/(["\\$`])/g, '\\$1')}"`;

/**
 * Bundling hooks of the dashboard-files function: after esbuild has bundled the handler, build the
 * dashboard's app.js and app.css (dashboard/build.ts, the one build definition) into the function's
 * bundle, where the handler reads them. A child process, because CDK bundling hooks are shell commands.
 */
export function dashboardCommandHooks(): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [
      [process.execPath, '--require', require.resolve('tsx/cjs'), __filename, outputDir].map(quote).join(' '),
    ],
  };
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    console.error('usage: build the dashboard into <outDir>');
    process.exit(2);
  }
  buildDashboard(outDir).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
