/**
 * The public HTTP routes and the function behind each. The CDK stack and the local server both
 * read this list, so the two can never route differently. Every route takes any method; the
 * handler answers 405 with `Allow` for the ones it does not serve.
 */
export const ROUTES = [
  { path: '/v1/collect', functionName: 'collect' },
  { path: '/v1/r', functionName: 'redirect' },
  { path: '/v1/hits', functionName: 'hits' },
  { path: '/v1/activity', functionName: 'activity' },
  { path: '/v1/snippet.js', functionName: 'snippet' },
] as const;

export type FunctionName = (typeof ROUTES)[number]['functionName'];
