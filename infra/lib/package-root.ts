import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The edgeprint package's root: the nearest directory at or above `from` holding a package.json.
 * The same in the repo (TypeScript run from source) and in an installed package, where the compiled
 * JavaScript lives under `dist/` but the sources it bundles at synth (functions, core, snippet,
 * dashboard) stay at the package root.
 * @example join(packageRoot(__dirname), 'functions') // …/node_modules/edgeprint/functions
 */
export function packageRoot(from: string): string {
  let directory = from;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json at or above ${from}`);
    directory = parent;
  }
  return directory;
}
