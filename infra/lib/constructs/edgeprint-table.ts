import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../../layers/core/src/store/table';

export interface EdgeprintTableProps {
  /** RETAIN also turns on deletion protection. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The single table, shaped by the same `TABLE_SCHEMA` the local embedded DynamoDB uses: on-demand,
 * point-in-time recovery, TTL on `expiresAt`, the `gsi1` index for user lookups, and a stream of
 * new images (the event path to the queue).
 * @example const { table } = new EdgeprintTable(this, 'Table', { removalPolicy: RemovalPolicy.RETAIN })
 */
export class EdgeprintTable extends Construct {
  readonly table: dynamodb.Table;
  /** Index names the functions may query. */
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: EdgeprintTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, gsi1 } = TABLE_SCHEMA;
    const retain = props.removalPolicy === RemovalPolicy.RETAIN;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      // The change stream is how stored events reach the queue (TableStreamToQueue): new images only.
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      deletionProtection: retain,
      removalPolicy: props.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: gsi1.name,
      partitionKey: { name: gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: gsi1.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.indexNames = [gsi1.name];
  }
}
