import { recordVisit } from '../domain/record-visit';
import { settleVisit } from './settle-visit';
import { resolveRedirectTarget } from '../domain/redirect-target';
import { landingPageUrl } from '../domain/page-url';
import { firstTouch } from '../domain/attribution';
import { InvalidPayloadError } from '../errors';
import { errorToResponse } from '../http/errors-to-response';
import type { HttpRequest } from '../http/request';
import { encodedTextResponse } from '../http/compression';
import type { HttpResponse } from '../http/responses';
import { beginVisit, requestRecordOf } from '../http/visit';
import type { VisitRuntime } from '../runtime';
import { siteOf } from '../aggregates/site-day';
import { renderRedirectPage } from './redirect-page';

/**
 * `GET|HEAD /v1/r?next=…`: the fingerprinting redirect page (the seed's FingerprintView).
 * The request is fingerprinted before `next` is judged (a refused target is still a request worth
 * knowing about, e.g. open-redirect probing); the record and the hit are the resolved target
 * without its fragment (a refused target's record keeps the page's own URL, with no hit).
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
    // Recorded and counted as the page the browser lands on (no fragment, as the snippet reports
    // it), so the dashboard and `/v1/hits` credit the target, not the API's own route.
    const landing = decision.ok ? landingPageUrl(decision.target) : request.url;
    const record = requestRecordOf(visit, landing);
    const outcome = await recordVisit(runtime.store, {
      record,
      sessionIsNew: visit.sessionIsNew,
      firstTouch: firstTouch(landing, request.headers.referer),
      debounceSeconds: runtime.config.debounceSeconds,
      gate: { url: landing, kind: 'request', countHit: decision.ok },
    });
    settleVisit(runtime, request, outcome, 'redirect');
    cookies = visit.cookies;
  }
  if (!decision.ok) {
    const response = errorToResponse(new InvalidPayloadError(decision.reason, { next: [decision.reason] }, 'invalid_redirect'), 'standard');
    return { ...response, cookies };
  }
  // Root-relative under the base path the browser came through (`/_ep` behind the distribution), so
  // the snippet and its report reach the API on the origin the browser is on, whatever host the API sees.
  const page = renderRedirectPage(decision.target, `${request.basePath}/v1/snippet.js`);
  const response = encodedTextResponse(request, 200, page.html, 'text/html; charset=utf-8', {
    'content-security-policy': page.contentSecurityPolicy,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer-when-downgrade',
  });
  return { ...response, cookies };
}
