import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { VisitRecord } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';
import { recordAttributes } from './record-item';

/**
 * Stores a request-fingerprint or browser-event record under its session. Conditional on the
 * event id, so a retry of the same request never writes it twice. 1 write unit.
 */
export async function putRecord(table: TableContext, record: VisitRecord, retentionDays: number): Promise<void> {
  const at = record.at.toISOString();
  const key =
    record.kind === 'request'
      ? keys.requestRecord(record.sessionId, at, record.eventId)
      : keys.eventRecord(record.sessionId, at, record.eventId);
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...key,
          type: record.kind === 'request' ? ItemType.requestFingerprint : ItemType.browserEvent,
          ...recordAttributes(record),
          expiresAt: expiresAt(record.at, retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return; // already stored by an earlier attempt
    throw error;
  }
}
