import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ViewGateInput, ViewGateResult } from '../../domain/records';
import { isConditionFailed, type TableContext } from '../client';
import { keys } from '../keys';
import { gateAttributes } from './pass-view-gate';

/**
 * Undoes a passed gate whose record could not be stored, so the client's retry is not debounced
 * away. Conditional on the request's own token: a later request's gate is never touched.
 */
export async function reopenViewGate(table: TableContext, input: ViewGateInput, result: ViewGateResult): Promise<void> {
  const names = gateAttributes(input.kind);
  const key = keys.viewMarker(input.sessionId, input.url);
  try {
    if (result.firstView) {
      // Not a delete: the other kind's gate may live on the same marker. Without firstSeen the retry is a first view again.
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: key,
          UpdateExpression: 'REMOVE #at, firstSeen',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': names.token, '#at': names.at },
          ExpressionAttributeValues: { ':token': input.token },
        }),
      );
      return;
    }
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: result.previousAt === undefined ? 'REMOVE #at' : 'SET #at = :previous',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': names.token, '#at': names.at },
        ExpressionAttributeValues: {
          ':token': input.token,
          ...(result.previousAt === undefined ? {} : { ':previous': Number(result.previousAt) }),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return;
    throw error;
  }
}
