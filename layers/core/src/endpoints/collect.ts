import { firstTouch } from '../domain/attribution';
import { settleVisit } from './settle-visit';
import { canonicalPageUrl, redirectLandingOf } from '../domain/page-url';
import { recordVisit } from '../domain/record-visit';
import type { PageEventRecord } from '../domain/records';
import { InvalidPayloadError } from '../errors';
import { parseBody } from '../http/body';
import type { HttpRequest } from '../http/request';
import { noContent, type HttpResponse } from '../http/responses';
import { check, collectSchema } from '../http/schemas';
import { beginVisit } from '../http/visit';
import type { VisitRuntime } from '../runtime';
import { siteOf } from '../aggregates/site-day';

/**
 * A browser report (fingerprint plus pageview or custom event): validate, run the pipeline, record.
 * Shared by `POST /v1/collect` and `POST /v1/r`. Answers 204; bots and GPC drops get the same 204.
 */
export async function collect(request: HttpRequest, runtime: VisitRuntime, route: string): Promise<HttpResponse> {
  const { fields } = parseBody(request, runtime.config.maxBodyBytes);
  const parsed = check(collectSchema, fields);
  const given = typeof fields.url === 'string' ? fields.url : undefined;
  const rawUrl = given ?? (fields.url === undefined ? request.headers.referer : undefined);
  const reported = canonicalPageUrl(rawUrl);
  // The redirect page's report names the page itself; it is recorded as the page the browser lands on.
  const url = route === 'redirect' && reported !== undefined ? (redirectLandingOf(reported, runtime.config.allowedRedirectHosts) ?? reported) : reported;
  const errors = parsed.success ? {} : parsed.fields;
  if (url === undefined && errors.url === undefined) {
    errors.url = [rawUrl === undefined ? 'Required (or send a Referer header)' : 'Must be an absolute http(s) URL of at most 2048 characters'];
  }
  if (!parsed.success || url === undefined) throw new InvalidPayloadError('Invalid request', errors);
  const input = parsed.output;
  const visit = await beginVisit(request, runtime, { anonymous: input.anon === true });
  if (visit.verdict.drop !== undefined) {
    runtime.drops.count(visit.verdict.drop, route);
    if (visit.verdict.drop !== 'debounced') await runtime.drops.persist(visit.verdict.drop, siteOf(url), visit.at);
    return noContent();
  }
  const anonymous = visit.verdict.anonymous;
  // Under GPC's anonymous mode a record keeps only the url, the session and the fact it was counted
  // (docs/privacy.md): no title, referrer or props either.
  const minimal = anonymous && visit.verdict.gpc;
  const record: PageEventRecord = {
    kind: 'event',
    eventId: visit.eventId,
    sessionId: visit.sessionId,
    at: visit.at,
    url,
    event: input.event,
    visitorId: anonymous ? undefined : input.id,
    confidence: anonymous ? undefined : input.confidence,
    referrer: minimal ? undefined : input.ref,
    title: minimal ? undefined : input.title,
    props: minimal ? undefined : input.props,
    signals: visit.signals,
    fingerprint: visit.fingerprint,
    gpc: visit.verdict.gpc,
    dnt: visit.dnt,
  };
  const outcome = await recordVisit(runtime.store, {
    record,
    sessionIsNew: visit.sessionIsNew,
    firstTouch: firstTouch(url, minimal ? undefined : input.ref),
    debounceSeconds: runtime.config.debounceSeconds,
    gate: input.event === 'pageview' ? { url, kind: 'page', countHit: true } : undefined,
  });
  settleVisit(runtime, request, outcome, route);
  return noContent({}, visit.cookies);
}
