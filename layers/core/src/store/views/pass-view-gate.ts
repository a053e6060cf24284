import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ViewGateInput, ViewGateResult } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { expiresAt, ItemType, keys } from '../keys';

/** Attribute names of one kind's debounce window on the shared (session, url) marker. */
export function gateAttributes(kind: ViewGateInput['kind']): { at: string; token: string } {
  return { at: `${kind}At`, token: `${kind}Token` };
}

/**
 * The debounce gate and unique-view marker in one conditional update of the (session, url) item:
 * it passes when this kind of view was not seen inside the window, and reports whether the
 * marker is new (the session's first view of the url). 1 write unit, passed or not.
 */
export async function passViewGate(table: TableContext, input: ViewGateInput, retentionDays: number): Promise<ViewGateResult> {
  const now = input.now.getTime();
  const names = gateAttributes(input.kind);
  try {
    const result = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.viewMarker(input.sessionId, input.url),
        UpdateExpression:
          'SET #at = :now, #token = :token, #url = :url, #type = :type, sessionId = :session, ' +
          'firstSeen = if_not_exists(firstSeen, :nowIso), expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#at) OR #at <= :cutoff',
        ExpressionAttributeNames: { '#at': names.at, '#token': names.token, '#url': 'url', '#type': 'type' },
        ExpressionAttributeValues: {
          ':now': now,
          ':cutoff': now - input.debounceSeconds * 1000,
          ':token': input.token,
          ':url': input.url,
          ':type': ItemType.viewMarker,
          ':session': input.sessionId,
          ':nowIso': input.now.toISOString(),
          ':expires': expiresAt(input.now, retentionDays),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = result.Attributes;
    const previous = old?.[names.at];
    return {
      passed: true,
      firstView: old === undefined || old.firstSeen === undefined,
      previousAt: typeof previous === 'number' ? String(previous) : undefined,
    };
  } catch (error) {
    if (isConditionFailed(error)) return { passed: false, firstView: false };
    throw error;
  }
}
