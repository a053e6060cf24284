import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/**
 * Re-drives the forwarding dead-letter queue back to the event queue.
 *   npm run redrive -- --local                      (the running `npm start`)
 *   npm run redrive -- --dlq-arn <arn> [--region r] (a deployed stack; standard AWS credentials)
 * The forwarder accepts the dead-letter envelope, so re-driven events are forwarded as they were.
 */
async function main(argv: string[]): Promise<void> {
  const flag = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  let client: SQSClient;
  let sourceArn: string | undefined;
  if (argv.includes('--local')) {
    const file = join(process.env.EDGEPRINT_DATA_DIR ?? join(process.cwd(), '.edgeprint'), 'local.json');
    let local: { sqsEndpoint: string; deadLetterQueueArn: string };
    try {
      local = JSON.parse(readFileSync(file, 'utf8')) as typeof local;
    } catch {
      throw new Error(`No running local stack found (${file}); start it with npm start`);
    }
    client = new SQSClient({ region: 'us-east-1', endpoint: local.sqsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    sourceArn = local.deadLetterQueueArn;
  } else {
    sourceArn = flag('--dlq-arn');
    if (sourceArn === undefined || !sourceArn.startsWith('arn:aws:sqs:')) throw new Error('Give --local or --dlq-arn arn:aws:sqs:<region>:<account>:<dlq name>');
    client = new SQSClient({ region: flag('--region') ?? sourceArn.split(':')[3] });
  }
  const result = await client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
  console.log(`re-drive started (task ${result.TaskHandle ?? 'unknown'})`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`redrive failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
