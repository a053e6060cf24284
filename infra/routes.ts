/**
 * The public HTTP routes and the function behind each. The CDK stack and the local server both
 * read this list, so the two can never route differently. Every route takes any method; the
 * handler answers 405 with `Allow` for the ones it does not serve. A `{name}` segment matches one
 * path segment (API Gateway's path parameters); a literal path wins over a parameter
 * (`/v1/sessions/link` before `/v1/sessions/{sessionId}`), as in API Gateway.
 */
export const ROUTES = [
  { path: '/v1/collect', functionName: 'collect' },
  { path: '/v1/r', functionName: 'redirect' },
  { path: '/v1/hits', functionName: 'hits' },
  { path: '/v1/activity', functionName: 'activity' },
  { path: '/v1/snippet.js', functionName: 'snippet' },
  { path: '/v1/sessions/link', functionName: 'link' },
  { path: '/v1/sessions/{sessionId}', functionName: 'erase-session' },
  { path: '/v1/users/{userId}', functionName: 'erase-user' },
  { path: '/v1/users/{userId}/sessions', functionName: 'user-sessions' },
  { path: '/v1/users/{userId}/devices', functionName: 'user-devices' },
  { path: '/v1/stats', functionName: 'stats' },
  { path: '/v1/stats/realtime', functionName: 'stats-realtime' },
  { path: '/dashboard', functionName: 'dashboard' },
  { path: '/dashboard/{file}', functionName: 'dashboard-files' },
] as const;

export type FunctionName = (typeof ROUTES)[number]['functionName'];
