/** The command line was wrong (unknown command or option, bad value): exit code 2 with a usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the CLI already explains in its message (no store, store in use): exit code 1, shown as is. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Where the command was talking to, so errors can name the table, region and endpoint. */
export interface TargetDescription {
  readonly tableName: string;
  readonly region: string;
  readonly endpoint?: string;
}

const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'ExpiredToken',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * One line a person can act on for an SDK or system error; never a stack trace.
 * @example describeError(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }), { tableName: 't', region: 'eu-west-1' })
 * // 'table t not found in region eu-west-1'
 */
export function describeError(error: unknown, target: TargetDescription | undefined): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof CliError) return error.message;
  const where = target === undefined ? '' : `${target.endpoint === undefined ? '' : ` at ${target.endpoint}`}`;
  if (error.name === 'ResourceNotFoundException' && target !== undefined) {
    return `table ${target.tableName} not found in region ${target.region}${where}`;
  }
  if (error.name === 'CredentialsProviderError') {
    return (
      'no AWS credentials found. Configure them with `aws configure` or `aws sso login` (and AWS_PROFILE=<profile>), ' +
      'or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached. ' +
      'For the local store, leave out --table and --region.'
    );
  }
  if (REJECTED_CREDENTIALS.has(error.name)) return `AWS rejected the credentials (${error.name}): ${error.message}`;
  if (error.name === 'AccessDeniedException') return `access denied: ${error.message}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return `cannot reach DynamoDB${where || ''} (${code})`;
  if (error.name === 'TimeoutError') return `DynamoDB did not answer in time${where}`;
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
}
