import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXCLUDE_PREFIXES, edgeConfigDefine, parseEdgeRules, type EdgeRules } from '../../layers/core/src/edge/edge-config';
import { EdgeprintConfigError, type EdgeprintSettings } from './config';

/** The environment variable that gives the edge secret at synth time. */
export const EDGE_SECRET_ENV = 'EDGEPRINT_EDGE_SECRET';
/** The git-ignored file, relative to the app's directory, that gives it otherwise. */
export const EDGE_SECRET_FILE = join('.edgeprint', 'edge-secret');

/**
 * The fingerprint secret to bake into the Lambda@Edge bundle: `EDGEPRINT_EDGE_SECRET`, else the
 * file `.edgeprint/edge-secret` under `directory`, else undefined (the function is then built
 * without a configuration and passes requests through). Surrounding whitespace is dropped: the
 * `aws secretsmanager … --output text > file` of docs/deploy.md ends with a newline. It must equal
 * the regional fingerprint secret; it is read here, at synth time, because Lambda@Edge has no
 * environment, and it never goes into a CloudFormation template (only into the edge code package).
 * @example const secret = readEdgeSecret(repoRoot)
 */
export function readEdgeSecret(directory: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const fromEnvironment = env[EDGE_SECRET_ENV]?.trim();
  if (fromEnvironment !== undefined && fromEnvironment.length > 0) return fromEnvironment;
  const file = join(directory, EDGE_SECRET_FILE);
  if (!existsSync(file)) return undefined;
  const fromFile = readFileSync(file, 'utf8').trim();
  return fromFile.length > 0 ? fromFile : undefined;
}

/**
 * The edge rules of a deployment: `settings.edge` over the defaults, the privacy mode of the
 * regional functions, and the API's first-party prefix always excluded. The edge function and the
 * ingest Lambda both get exactly these.
 * @example edgeRules(resolveSettings({ siteOrigin: 'origin.shop.example', edge: { siteId: 'shop' } }))
 */
export function edgeRules(settings: EdgeprintSettings): EdgeRules {
  const edge = settings.edge ?? {};
  return parseEdgeRules({
    siteId: edge.siteId,
    privacyMode: settings.privacyMode ?? 'cookie',
    includePrefixes: edge.includePrefixes,
    excludePrefixes: [...new Set([...(edge.excludePrefixes ?? DEFAULT_EXCLUDE_PREFIXES), settings.apiPathPrefix])],
    navigationOnly: edge.navigationOnly,
  });
}

/**
 * The esbuild `define` that bakes the edge configuration (rules and secret) into the Lambda@Edge
 * bundle, or undefined without a secret. Throws when the configuration is invalid (a secret under 16
 * characters, say), so a bad configuration fails synth rather than the site.
 * @example bundleFile({ …, define: edgeDefine(settings, readEdgeSecret(repoRoot)) })
 */
export function edgeDefine(settings: EdgeprintSettings, secret: string | undefined): Record<string, string> | undefined {
  if (secret === undefined) return undefined;
  try {
    return edgeConfigDefine({ ...edgeRules(settings), secret });
  } catch (error) {
    throw new EdgeprintConfigError([`edge build (the secret comes from ${EDGE_SECRET_ENV} or ${EDGE_SECRET_FILE}): ${(error as Error).message}`]);
  }
}
