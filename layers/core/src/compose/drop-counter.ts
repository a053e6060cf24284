import { operatorMetrics } from '../observability/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PersistedDropReason } from '../aggregates/counters';
import { dayOf } from '../aggregates/site-day';
import type { DropReason } from '../domain/visitor-policy';
import { addDropCount } from '../store/aggregates/add-drop-count';
import type { TableContext } from '../store/client';

/** Counts accepted-but-not-recorded events per reason and logs the running totals. */
export interface DropCounter {
  count(reason: DropReason, route: string): void;
  /**
   * Keeps a bot or GPC drop for the dashboard: one ADD on the site's drop counters of that UTC day
   * (1 write unit). Never throws: a failed write is logged and the visitor's answer is unchanged.
   */
  persist(reason: PersistedDropReason, site: string | undefined, at: Date): Promise<void>;
  totals(): Readonly<Record<string, number>>;
}

/** @example const drops = dropCounter(logger, table) */
export function dropCounter(logger: Logger, table: TableContext): DropCounter {
  const totals: Record<string, number> = {};
  return {
    count(reason, route) {
      totals[reason] = (totals[reason] ?? 0) + 1;
      operatorMetrics().dropped(reason);
      logger.info('event dropped', { reason, route, droppedTotal: totals[reason] });
    },
    async persist(reason, site, at) {
      const day = dayOf(at);
      if (site === undefined || day === undefined) return;
      // Written at once rather than batched in memory: a frozen or recycled Lambda would lose a batch.
      await addDropCount(table, site, day, reason).catch((error: unknown) => {
        logger.warn('drop counter not stored', { reason, site, error: error instanceof Error ? error.message : String(error) });
      });
    },
    totals: () => ({ ...totals }),
  };
}

