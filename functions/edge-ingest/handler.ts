import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { edgeRulesFromEnvironment, ingestKinesisRecords } from '../../layers/core/src/edge/ingest';
import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';

/**
 * The recording path of the edge: reads CloudFront real-time log records from the Kinesis data
 * stream and records each successful navigation (request fingerprint and hit) through the same
 * domain code as the regional API. Partial batch responses (`ReportBatchItemFailures`).
 */
export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const runtime = await baseRuntimeFromEnvironment();
  const { response, report } = await ingestKinesisRecords(event.Records ?? [], { runtime, rules: edgeRulesFromEnvironment(process.env) });
  runtime.logger.info('edge ingest batch', { ...report });
  return response;
}
