import { forwarderHandler } from '../../layers/core/src/forwarding/forwarder-runtime';

/**
 * The SQS consumer: relays each queued event to every configured provider (GA4, Matomo,
 * Plausible, webhook) with partial batch responses, per-provider idempotency and dead letters.
 */
export const handler = forwarderHandler;
