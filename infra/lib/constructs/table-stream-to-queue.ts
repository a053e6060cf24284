import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_ITEM_TYPES } from '../../../layers/core/src/forwarding/event-of-item';

export interface TableStreamToQueueProps {
  /** The table; its stream must carry new images. */
  readonly table: dynamodb.ITable;
  /** Where each created event item goes (the forwarder's queue). */
  readonly queue: sqs.IQueue;
  /** Of the pipe's dead-letter queue on teardown. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The only path from the table to the event queue: an EventBridge Pipe reads the table's stream,
 * keeps the creations of event items (sessions, request and browser records, activity rows) and puts
 * each stream record on the queue. The request path never calls SQS, so a crash can never leave a
 * stored record unforwarded or uncounted: the stream holds it 24 hours and the pipe retries until the
 * queue takes it, then dead-letters it with the stream position (docs/architecture.md).
 * @example new TableStreamToQueue(this, 'StreamToQueue', { table, queue })
 */
export class TableStreamToQueue extends Construct {
  readonly pipe: pipes.CfnPipe;
  /** Stream batches the pipe could not deliver after its retries (their shard and sequence numbers). */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TableStreamToQueueProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined) throw new Error('TableStreamToQueue needs a table with a stream (NEW_IMAGE)');
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the pipe's dead-letter target (stream batches it could not deliver, with their shard and sequence numbers); an operator reads it, no consumer that could fail again.",
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com'),
      description: 'edgeprint: reads the table stream, sends to the event queue',
    });
    // Least privilege: this table's stream only, this queue and its own DLQ only.
    props.table.grantStreamRead(role);
    props.queue.grantSendMessages(role);
    this.deadLetterQueue.grantSendMessages(role);
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: 'edgeprint: stored event items to the event queue',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumBatchingWindowInSeconds: 1,
          // Retries with backoff for as long as the stream keeps the record (24 h), then the DLQ.
          maximumRetryAttempts: 185,
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
        filterCriteria: {
          filters: [
            { pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: [...EVENT_ITEM_TYPES] } } } }) },
          ],
        },
      },
      target: props.queue.queueArn,
    });
    this.pipe.node.addDependency(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams supports no resource-level permissions (IAM requires "*"); every other action of this role is scoped to the table stream, the event queue and this DLQ.',
    });
  }
}
