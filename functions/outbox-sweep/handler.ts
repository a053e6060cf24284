import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** Scheduled (every 5 minutes): re-sends events the queue refused at ingest from the table's outbox. */
export const handler = async (): Promise<{ resent: number; remaining: number }> => {
  const runtime = await runtimeFromEnvironment();
  const result = await runtime.sweepOutbox();
  if (result.resent > 0 || result.remaining > 0) runtime.logger.info('outbox swept', { metric: 'OutboxResent', ...result });
  return result;
};
