import type { LocalStack } from '../../infra/local/local-stack';
import { sessionFirstRecord } from '../../layers/core/src/store/sessions/session-item';
import { scanTable } from '../helpers/local-stack';

/** A stored visit record as the table keeps it, whether a record item or a session's first record. */
export interface StoredRecord {
  readonly type: 'browser_event' | 'request_fingerprint';
  readonly sessionId: string;
  readonly url: string;
  readonly event?: string;
  readonly visitorId?: string;
  readonly confidence?: number;
  readonly referrer?: string;
  readonly title?: string;
  readonly props?: Record<string, unknown>;
  readonly fp?: string;
  readonly at: string;
}

/** Every visit record in the table, oldest first: record items plus the `first` record embedded in each session item. */
export async function storedRecords(stack: LocalStack): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  for (const item of await scanTable(stack)) {
    if (item.type === 'browser_event' || item.type === 'request_fingerprint') records.push(item as unknown as StoredRecord);
    const first = item.type === 'session' ? sessionFirstRecord(item) : undefined;
    if (first !== undefined) records.push(first as unknown as StoredRecord);
  }
  return records.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Polls `read` until `done` accepts its value, for at most `timeoutMs`; returns the last value
 * (the caller's assertions then say what was missing).
 * @example const events = await waitFor(() => storedRecords(stack), (all) => all.length > 0)
 */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** A unique query value, so each test's pages are distinct URLs (hits and the debounce are per URL). */
export function runId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
