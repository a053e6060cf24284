/**
 * The table's physical shape, shared by the CDK stack and the local embedded DynamoDB
 * so both always agree. `gsi1` serves user lookups (session-to-user links).
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;
