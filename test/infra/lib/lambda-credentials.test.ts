import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFile, LAMBDA_SDK_ALIASES } from '../../../infra/lib/bundling';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../infra/local/embedded-dynamodb';

const run = promisify(execFile);

/**
 * The regional bundles replace the SDK's default credential chain with the environment provider
 * (LAMBDA_SDK_ALIASES, as edgeprint-function.ts passes them to esbuild). A bundled client must still
 * sign real requests with the credentials Lambda puts in the environment, and must carry none of the
 * rest of the chain. The request goes to the embedded DynamoDB over loopback, which refuses unsigned ones.
 */
describe('the bundled credential provider', () => {
  let store: EmbeddedDynamo;
  let directory: string;
  let bundle: string;

  beforeAll(async () => {
    store = await startEmbeddedDynamo();
    directory = mkdtempSync(join(tmpdir(), 'edgeprint-credentials-'));
    const entry = join(__dirname, 'lambda-credentials-entry.tmp.ts');
    writeFileSync(
      entry,
      [
        "import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';",
        'const client = new DynamoDBClient({ region: "eu-west-1", endpoint: process.env.ENDPOINT });',
        'client.send(new ListTablesCommand({})).then((r) => console.log(JSON.stringify(r.TableNames)), (e) => { console.error(e.name); process.exit(2); });',
      ].join('\n'),
    );
    bundle = join(directory, 'index.js');
    try {
      bundleFile({ entry, outfile: bundle, target: 'node22', sourcemap: false, alias: LAMBDA_SDK_ALIASES });
    } finally {
      rmSync(entry, { force: true });
    }
  }, 60_000);

  afterAll(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  // No AWS settings from this shell; HOME points at the test's directory so no real ~/.aws is found.
  const bareEnvironment = () => ({ PATH: process.env.PATH, HOME: directory, ENDPOINT: store.endpoint });

  it('signs with the credentials Lambda puts in the environment', async () => {
    const { stdout } = await run(process.execPath, [bundle], {
      env: { ...bareEnvironment(), AWS_ACCESS_KEY_ID: 'AKIDLAMBDA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' },
    });
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('looks nowhere else: without them the call fails with a credentials error, not a file or metadata lookup', async () => {
    // With the full chain this would try ~/.aws files, SSO, process, container and instance metadata.
    writeFileSync(join(directory, 'credentials'), '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret\n');
    const failure = await run(process.execPath, [bundle], {
      env: { ...bareEnvironment(), AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials') },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    // The last line: the SDK may print a Node version warning first.
    expect((failure as { stderr: string }).stderr.trim().split('\n').at(-1)).toBe('CredentialsProviderError');
  });

  it('leaves the rest of the default chain out of the bundle', async () => {
    const source = readFileSync(bundle, 'utf8');
    // (Instance metadata's address stays: the SDK's `auto` defaults mode may ask it for the region.)
    const chainMarks = ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'credential_process', 'sso_start_url'];
    expect(chainMarks.filter((mark) => source.includes(mark))).toEqual([]);
  });
});
