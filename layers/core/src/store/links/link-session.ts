import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../errors';
import { isConditionFailed, type TableContext } from '../client';
import { DEFAULT_IDENTIFIER_DAYS } from '../../config';
import { expiresAt, ItemType, keys, userIndex } from '../keys';

import type { LinkOutcome } from '../../domain/users';

export type { LinkOutcome };

export interface LinkSessionInput {
  readonly userId: string;
  readonly sessionId: string;
  /** Move a session linked to another user to this one instead of refusing with 409. */
  readonly force?: boolean;
  /** @default new Date() */
  readonly now?: Date;
  /** TTL of a session item this call has to create. @default 395 */
  readonly retentionDays?: number;
}

/**
 * Links a session to a user: the session item gets `userId`, `linkedAt` and the gsi1 keys
 * (`USER#<userId>` / `S#<sessionId>`) that the user's session list and erasure query. A session not
 * stored yet gets a minimal session item. One conditional UpdateItem (1 write unit); a repeat for
 * the same user changes nothing and answers `already-linked`. A session linked to another user is
 * refused with a ConflictError unless `force`.
 * @example await linkSession(table, { userId: 'user-42', sessionId }) // 'linked'
 */
export async function linkSession(table: TableContext, input: LinkSessionInput): Promise<LinkOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await tryLink(table, input);
    if (outcome !== 'retry') return outcome;
    if (attempt >= 2) throw new Error('the session link kept changing under this request');
  }
}

async function tryLink(table: TableContext, input: LinkSessionInput): Promise<LinkOutcome | 'retry'> {
  const now = input.now ?? new Date();
  const key = keys.session(input.sessionId);
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression:
          'SET userId = :user, gsi1pk = :gpk, gsi1sk = :gsk, linkedAt = :now, sessionId = :sid, ' +
          '#type = if_not_exists(#type, :type), createdAt = if_not_exists(createdAt, :now), expiresAt = if_not_exists(expiresAt, :expires)',
        ConditionExpression: input.force === true ? 'attribute_not_exists(userId) OR userId <> :user' : 'attribute_not_exists(userId)',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':user': input.userId,
          ...prefixed(userIndex.session(input.userId, input.sessionId)),
          ':now': now.toISOString(),
          ':sid': input.sessionId,
          ':type': ItemType.session,
          ':expires': expiresAt(now, input.retentionDays ?? DEFAULT_IDENTIFIER_DAYS),
        },
      }),
    );
    return 'linked';
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  // With force the condition fails only when the session is already this user's.
  if (input.force === true) return 'already-linked';
  const current = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ProjectionExpression: 'userId', ConsistentRead: true }),
  );
  if (current.Item?.userId === input.userId) return 'already-linked';
  if (current.Item?.userId === undefined) return 'retry'; // unlinked (or erased) in between
  throw new ConflictError('Session is linked to another user (send force: true to move it)');
}

function prefixed(index: { gsi1pk: string; gsi1sk: string }): Record<string, string> {
  return { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk };
}
