import type { RecordVisitOutcome } from '../domain/record-visit';
import type { VisitRecord } from '../domain/records';
import { requestFacts, visitForwardEvent } from '../forwarding/to-forward-event';
import type { HttpRequest } from '../http/request';
import type { VisitRuntime } from '../runtime';

/**
 * What every recording path does after `recordVisit()`: count a debounced repeat, log a counter or
 * device-index write that failed after the record was stored, and enqueue the recorded event.
 * @example await settleVisit(runtime, request, record, outcome, 'collect')
 */
export async function settleVisit(
  runtime: VisitRuntime,
  request: Pick<HttpRequest, 'headers' | 'requestId'>,
  record: VisitRecord,
  outcome: RecordVisitOutcome,
  route: string,
): Promise<void> {
  if (!outcome.recorded) {
    runtime.drops.count(outcome.reason, route);
    return;
  }
  if (outcome.hitCountFailed !== undefined) {
    runtime.logger.error('hit counter update failed after the record was stored', { requestId: request.requestId, error: outcome.hitCountFailed as Error });
  }
  if (outcome.deviceIndexFailed !== undefined) {
    runtime.logger.error('device index failed after the record was stored', { requestId: request.requestId, error: outcome.deviceIndexFailed as Error });
  }
  await runtime.publish([visitForwardEvent(record, requestFacts(request), outcome.session)]);
}
