import { recordVisit } from '../domain/record-visit';
import { settleVisit } from './settle-visit';
import { resolveRedirectTarget } from '../domain/redirect-target';
import { firstTouch } from '../domain/attribution';
import { InvalidPayloadError } from '../errors';
import { errorToResponse } from '../http/errors-to-response';
import type { HttpRequest } from '../http/request';
import { textResponse, type HttpResponse } from '../http/responses';
import { beginVisit, requestRecordOf } from '../http/visit';
import type { VisitRuntime } from '../runtime';
import { siteOf } from '../aggregates/dimensions';
import { renderRedirectPage } from './redirect-page';

/**
 * `GET|HEAD /v1/r?next=…`: the fingerprinting redirect page (the seed's FingerprintView).
 * The request is fingerprinted before `next` is judged (a refused target is still a request worth
 * knowing about, e.g. open-redirect probing); the hit is counted for the resolved target only.
 */
export async function redirectPage(request: HttpRequest, runtime: VisitRuntime): Promise<HttpResponse> {
  const next = request.query.has('next') ? (request.query.get('next') ?? '') : undefined;
  const decision = resolveRedirectTarget(next, request.origin, runtime.config.allowedRedirectHosts);
  const visit = await beginVisit(request, runtime);
  let cookies: string[] = [];
  if (visit.verdict.drop !== undefined) {
    runtime.drops.count(visit.verdict.drop, 'redirect');
    // The site is the redirect page's own host, as for its recorded requests.
    if (visit.verdict.drop !== 'debounced') await runtime.drops.persist(visit.verdict.drop, siteOf(request.url), visit.at);
  } else {
    const record = requestRecordOf(visit, request.url);
    const outcome = await recordVisit(runtime.store, {
      record,
      sessionIsNew: visit.sessionIsNew,
      firstTouch: firstTouch(decision.ok ? decision.target : request.url, request.headers.referer),
      debounceSeconds: runtime.config.debounceSeconds,
      gate: decision.ok
        ? { url: decision.target, kind: 'request', countHit: true }
        : { url: request.url, kind: 'request', countHit: false },
    });
    await settleVisit(runtime, request, record, outcome, 'redirect');
    cookies = visit.cookies;
  }
  if (!decision.ok) {
    const response = errorToResponse(new InvalidPayloadError(decision.reason, { next: [decision.reason] }, 'invalid_redirect'), 'standard');
    return { ...response, cookies };
  }
  const snippetUrl = new URL('snippet.js', request.url).href;
  const page = renderRedirectPage(decision.target, snippetUrl);
  const response = textResponse(200, request.method === 'HEAD' ? '' : page.html, 'text/html; charset=utf-8', {
    'content-security-policy': page.contentSecurityPolicy,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer-when-downgrade',
  });
  return { ...response, cookies };
}
