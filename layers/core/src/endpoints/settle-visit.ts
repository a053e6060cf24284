import type { RecordVisitOutcome } from '../domain/record-visit';
import type { HttpRequest } from '../http/request';
import { operatorMetrics } from '../observability/metrics';
import type { BaseRuntime } from '../runtime';

/**
 * What every recording path does after `recordVisit()`: count a debounced repeat and log a
 * device-index write that failed after the record was stored. Nothing is enqueued here: the stored
 * item is the event, carried to the queue by the table's change stream.
 * @example settleVisit(runtime, request, outcome, 'collect')
 */
export function settleVisit(runtime: Pick<BaseRuntime, 'drops' | 'logger'>, request: Pick<HttpRequest, 'requestId'>, outcome: RecordVisitOutcome, route: string): void {
  if (!outcome.recorded) {
    runtime.drops.count(outcome.reason, route);
    return;
  }
  operatorMetrics().recorded(route);
  if (outcome.deviceIndexFailed !== undefined) {
    runtime.logger.error('device index failed after the record was stored', { requestId: request.requestId, error: outcome.deviceIndexFailed as Error });
  }
}
