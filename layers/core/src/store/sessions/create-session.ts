import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FirstTouch } from '../../domain/attribution';
import type { VisitRecord } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';
import { recordAttributes } from '../records/record-item';

/**
 * First-touch attribution without what the embedded first record already holds: `landingUrl` and
 * `referrer` are omitted when equal to `first.url` / `first.referrer` (readers default to those).
 * Every byte counts here: the item must stay under 1 KB to cost one write unit.
 */
function compactTouch(touch: FirstTouch, record: VisitRecord): FirstTouch | undefined {
  const compact: Record<string, string> = { ...(touch as Record<string, string>) };
  if (compact.landingUrl === record.url) delete compact.landingUrl;
  if (record.kind === 'event' && compact.referrer === record.referrer) delete compact.referrer;
  return Object.keys(compact).length === 0 ? undefined : compact;
}

/**
 * Creates the session item: first-touch attribution plus the session's first record (`first`),
 * so a new session's first view costs one write, not two. Conditional: attribution is never
 * overwritten. Returns false when the session already exists. 1 write unit.
 */
export async function createSession(
  table: TableContext,
  record: VisitRecord,
  touch: FirstTouch,
  retentionDays: number,
): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.session(record.sessionId),
          type: ItemType.session,
          sessionId: record.sessionId,
          createdAt: record.at.toISOString(),
          firstTouch: compactTouch(touch, record),
          first: {
            type: record.kind === 'request' ? ItemType.requestFingerprint : ItemType.browserEvent,
            ...recordAttributes(record),
            // Same as the item's own sessionId and createdAt: not stored twice.
            sessionId: undefined,
            at: undefined,
          },
          expiresAt: expiresAt(record.at, retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
