import { CliError, describeError } from '../../../bin/lib/errors';

const named = (name: string, message = 'sdk message', extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });
const where = { tableName: 'edgeprint-prod', region: 'eu-west-1' };

describe('describeError()', () => {
  it('names the table and region for a missing table', () => {
    expect(describeError(named('ResourceNotFoundException'), where)).toBe('table edgeprint-prod not found in region eu-west-1');
    expect(describeError(named('ResourceNotFoundException'), { ...where, endpoint: 'http://127.0.0.1:8000' })).toBe(
      'table edgeprint-prod not found in region eu-west-1 at http://127.0.0.1:8000',
    );
  });

  it('says how to configure credentials when there are none, and when AWS rejects them', () => {
    expect(describeError(named('CredentialsProviderError', 'Could not load credentials from any providers'), where)).toMatch(
      /^no AWS credentials found\. Configure them with `aws configure`.*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    expect(describeError(named('UnrecognizedClientException', 'The security token included in the request is invalid.'), where)).toBe(
      'AWS rejected the credentials (UnrecognizedClientException): The security token included in the request is invalid.',
    );
  });

  it('explains unreachable endpoints, access denied, and keeps its own messages as they are', () => {
    expect(describeError(named('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }), { ...where, endpoint: 'http://127.0.0.1:9' })).toBe(
      'cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)',
    );
    expect(describeError(named('AccessDeniedException', 'not authorized to perform: dynamodb:Scan'), where)).toBe('access denied: not authorized to perform: dynamodb:Scan');
    expect(describeError(new CliError('no local store in /x'), undefined)).toBe('no local store in /x');
    expect(describeError('odd', undefined)).toBe('odd');
  });
});
