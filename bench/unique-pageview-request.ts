import { randomBytes } from 'node:crypto';
import { pageviewBody, type RawRequest } from './traffic';

/**
 * autocannon `setupRequest` for POST /v1/collect: every request gets a session id nobody has used
 * and a url nobody has viewed, so each one is a new unique pageview (gate, session, counter).
 * Loaded by path inside autocannon's worker thread, hence the CommonJS export.
 */
function uniquePageview(request: RawRequest): RawRequest {
  const sessionId = randomBytes(16).toString('base64url');
  return {
    ...request,
    headers: { ...request.headers, cookie: `ep_sid=${sessionId}` },
    body: pageviewBody(`https://site.example/articles/${sessionId}`),
  };
}

export = uniquePageview;
