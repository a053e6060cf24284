import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EdgeprintDistribution } from './edgeprint-distribution';
import { METRIC_NAMES, METRIC_NAMESPACE, METRIC_SERVICE } from '../../../layers/core/src/observability/metrics';

/** Alarm thresholds (docs/operations.md explains each and what to do). */
export const ALARM_THRESHOLDS = {
  /** Any message in a dead-letter or on-failure queue. */
  deadLetterMessages: 1,
  /** The forwarder retries for about 15 minutes (5 receives, 3-minute visibility) before dead-lettering. */
  oldestMessageAge: Duration.minutes(15),
  /** Unhandled errors of one function, summed over 5 minutes, in 2 of 3 periods (a single cold-start blip is not a page). */
  functionErrors: 1,
  functionThrottles: 1,
  /** Percent of API requests answered 5xx over 5 minutes. */
  httpApi5xxPercent: 1,
  /** Throttled requests on a table over 5 minutes. */
  tableThrottles: 1,
  /** The edge ingest batches 5 s of records: 5 minutes behind means it is not keeping up. */
  iteratorAge: Duration.minutes(5),
  /** Any "edge configuration invalid" line from the Lambda@Edge function. */
  edgeConfigurationErrors: 1,
} as const;

const PERIOD = Duration.minutes(5);

/** The message the Lambda@Edge handler logs once per cold start when its baked configuration is unusable (functions/edge/handler.ts). */
export const EDGE_CONFIGURATION_ERROR_PATTERN = 'edgeprint edge configuration invalid';

export interface EdgeprintMonitoringProps {
  /** Subscribed to the alarm topic; confirm the e-mail AWS sends. Without it, subscribe yourself (docs/operations.md). */
  readonly alarmEmail?: string;
  /** @default the stack name with `-edgeprint` */
  readonly dashboardName?: string;
}

/**
 * The operator's view of one region: an SNS topic every alarm notifies (optionally mailed), one
 * CloudWatch dashboard, and `watch*` methods that add a resource's alarms and graphs. Each resource
 * is registered with one call, so what is added later (a queue, a function) is covered with one line.
 * @example
 * const monitoring = new EdgeprintMonitoring(this, 'Monitoring', { alarmEmail: 'ops@shop.example' })
 * monitoring.watchDeadLetterQueue(events.deadLetterQueue, 'event DLQ')
 * monitoring.watchFunction(forwarder, 'forwarder')
 */
export class EdgeprintMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: EdgeprintMonitoringProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'edgeprint alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names, states and metric values only, no personal data; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.',
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new actions.SnsAction(this.topic);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-edgeprint`,
      defaultInterval: Duration.hours(24),
    });
  }

  /** An alarm notifying the topic on ALARM and back to OK; missing data (no traffic) is not breaching. */
  private alarm(id: string, metric: cloudwatch.IMetric, props: { threshold: number; description: string; datapointsToAlarm?: number; evaluationPeriods?: number }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: props.threshold,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      datapointsToAlarm: props.datapointsToAlarm ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${props.description} Runbook: docs/operations.md`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** A readable construct id from the resource's label ('event DLQ' → `DeadLettersEventDLQ`). */
  private idOf(prefix: string, label: string): string {
    return `${prefix}${label.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_match, _separator, first: string) => first.toUpperCase())}`;
  }

  /** Alarms when any message sits in a dead-letter (or on-failure) queue: each is an event not delivered. */
  watchDeadLetterQueue(queue: sqs.IQueue, label: string): cloudwatch.Alarm {
    const metric = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label });
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `Messages in ${label}`, left: [metric], width: 8 }));
    return this.alarm(this.idOf('DeadLetters', label), metric, {
      threshold: ALARM_THRESHOLDS.deadLetterMessages,
      description: `edgeprint: messages in the ${label}: events that were not delivered.`,
    });
  }

  /** Alarms when the oldest message of a work queue is older than the consumer's retry window. */
  watchQueueAge(queue: sqs.IQueue, label: string): cloudwatch.Alarm {
    const metric = queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label });
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `Oldest message in ${label} (s)`, left: [metric], width: 8 }));
    return this.alarm(this.idOf('QueueAge', label), metric, {
      threshold: ALARM_THRESHOLDS.oldestMessageAge.toSeconds(),
      description: `edgeprint: the oldest message in the ${label} is older than ${ALARM_THRESHOLDS.oldestMessageAge.toMinutes()} minutes: the consumer is failing or falling behind.`,
    });
  }

  /** Alarms on a function's unhandled errors and on its throttles. */
  watchFunction(fn: lambda.IFunction, label: string): cloudwatch.Alarm[] {
    const errors = fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${label} errors` });
    const throttles = fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: `${label} throttles` });
    this.functionWidget.addLeftMetric(errors);
    this.functionWidget.addRightMetric(throttles);
    return [
      this.alarm(this.idOf('Errors', label), errors, {
        threshold: ALARM_THRESHOLDS.functionErrors,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        description: `edgeprint: the ${label} function fails (unhandled errors in 2 of the last 3 five-minute periods).`,
      }),
      this.alarm(this.idOf('Throttles', label), throttles, {
        threshold: ALARM_THRESHOLDS.functionThrottles,
        description: `edgeprint: the ${label} function is throttled: the account's or the function's concurrency is exhausted.`,
      }),
    ];
  }

  private functionWidgetCache?: cloudwatch.GraphWidget;
  private get functionWidget(): cloudwatch.GraphWidget {
    if (this.functionWidgetCache === undefined) {
      this.functionWidgetCache = new cloudwatch.GraphWidget({ title: 'Function errors (left) and throttles (right)', width: 24, height: 8 });
      this.dashboard.addWidgets(this.functionWidgetCache);
    }
    return this.functionWidgetCache;
  }

  /** Alarms when more than 1 % of the HTTP API's requests are answered 5xx. */
  watchHttpApi(api: apigw.IHttpApi): cloudwatch.Alarm {
    const rate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: api.metricServerError({ period: PERIOD, statistic: 'Sum' }), requests: api.metricCount({ period: PERIOD, statistic: 'Sum' }) },
      period: PERIOD,
      label: 'HTTP API 5xx (%)',
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'HTTP API requests', left: [api.metricCount({ period: PERIOD, statistic: 'Sum' })], right: [rate], width: 8 }),
    );
    return this.alarm('HttpApi5xxRate', rate, {
      threshold: ALARM_THRESHOLDS.httpApi5xxPercent,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      description: `edgeprint: over ${ALARM_THRESHOLDS.httpApi5xxPercent} % of API requests answered 5xx for 10 minutes.`,
    });
  }

  /** Alarms on throttled requests of the DynamoDB operations edgeprint calls. */
  watchTable(table: dynamodb.ITable, label: string): cloudwatch.Alarm {
    const metric = table.metricThrottledRequestsForOperations({
      operations: [
        dynamodb.Operation.GET_ITEM,
        dynamodb.Operation.BATCH_GET_ITEM,
        dynamodb.Operation.QUERY,
        dynamodb.Operation.PUT_ITEM,
        dynamodb.Operation.UPDATE_ITEM,
        dynamodb.Operation.DELETE_ITEM,
        dynamodb.Operation.BATCH_WRITE_ITEM,
      ],
      period: PERIOD,
      label: `${label} throttled requests`,
    });
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `Throttled requests: ${label}`, left: [metric], width: 8 }));
    return this.alarm(this.idOf('TableThrottles', label), metric, {
      threshold: ALARM_THRESHOLDS.tableThrottles,
      description: `edgeprint: DynamoDB throttles requests on the ${label}.`,
    });
  }

  /** Alarms when a stream consumer (the edge ingest) falls behind: the Lambda IteratorAge of its event source. */
  watchStreamConsumer(fn: lambda.IFunction, label: string): cloudwatch.Alarm {
    const metric = fn.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum', label: `${label} iterator age (ms)` });
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: `Iterator age: ${label} (ms)`, left: [metric], width: 8 }));
    return this.alarm(this.idOf('IteratorAge', label), metric, {
      threshold: ALARM_THRESHOLDS.iteratorAge.toMilliseconds(),
      description: `edgeprint: the ${label} is more than ${ALARM_THRESHOLDS.iteratorAge.toMinutes()} minutes behind its stream.`,
    });
  }

  /**
   * Alarms on the Lambda@Edge function's "configuration invalid" log line, counted by a metric filter
   * on its log group. Use it in the region of that log group (us-east-1 for the function's home).
   */
  watchEdgeConfiguration(logGroup: logs.ILogGroup): cloudwatch.Alarm {
    const filter = new logs.MetricFilter(this, 'EdgeConfigurationErrorFilter', {
      logGroup,
      filterPattern: logs.FilterPattern.anyTerm(EDGE_CONFIGURATION_ERROR_PATTERN),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'EdgeConfigurationErrors',
      metricValue: '1',
    });
    const metric = filter.metric({ period: PERIOD, statistic: 'Sum', label: 'edge configuration errors' });
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Lambda@Edge configuration errors', left: [metric], width: 8 }));
    return this.alarm('EdgeConfigurationErrors', metric, {
      threshold: ALARM_THRESHOLDS.edgeConfigurationErrors,
      description: 'edgeprint: the Lambda@Edge function started without a usable configuration and passes requests through unstamped.',
    });
  }

  /** Graphs of edgeprint's own EMF metrics (layers/core/src/observability/metrics.ts), split by their dimension. */
  addBusinessMetrics(): void {
    const search = (name: string, dimension: string, statistic = 'Sum') =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRIC_NAMESPACE},service,${dimension}} MetricName="${name}" service="${METRIC_SERVICE}"', '${statistic}', 300)`,
        usingMetrics: {},
        period: PERIOD,
      });
    const plain = (name: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName: name, dimensionsMap: { service: METRIC_SERVICE }, period: PERIOD, statistic });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Events recorded by route', left: [search(METRIC_NAMES.recorded, 'route')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Events dropped by reason', left: [search(METRIC_NAMES.dropped, 'reason')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Events forwarded by provider', left: [search(METRIC_NAMES.forwarded, 'provider')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Events dead-lettered by provider', left: [search(METRIC_NAMES.deadLettered, 'provider')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Stored events not counted', left: [plain(METRIC_NAMES.countsLost, 'Sum')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Aggregate lag (s, max)', left: [plain(METRIC_NAMES.aggregateLag, 'Maximum')], width: 8 }),
    );
  }
}

/**
 * The Lambda@Edge function's configuration alarm, in the function's home stack (us-east-1): reuses
 * `monitoring` when that is the same stack, else adds a small monitoring construct (topic, alarm,
 * dashboard) there, since an alarm can only notify a topic of its own region.
 * @example monitorEdgeFunction(distribution, { alarmEmail: 'ops@shop.example' })
 */
export function monitorEdgeFunction(distribution: EdgeprintDistribution, props: EdgeprintMonitoringProps & { monitoring?: EdgeprintMonitoring } = {}): EdgeprintMonitoring {
  const home = Stack.of(distribution.viewerRequestLogGroup);
  const { monitoring: existing, ...rest } = props;
  const monitoring =
    existing !== undefined && Stack.of(existing) === home
      ? existing
      : ((home.node.tryFindChild('EdgeprintEdgeMonitoring') as EdgeprintMonitoring | undefined) ?? new EdgeprintMonitoring(home, 'EdgeprintEdgeMonitoring', rest));
  monitoring.watchEdgeConfiguration(distribution.viewerRequestLogGroup);
  return monitoring;
}
