import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads a secret's string value from Secrets Manager, once per cold start. Secrets never sit in
 * code or in plain environment variables in AWS; the function gets only the secret's ARN.
 */
export async function readSecret(secretId: string, region: string | undefined): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (result.SecretString === undefined || result.SecretString.length === 0) {
      throw new Error(`Secret ${secretId} has no string value`);
    }
    return result.SecretString;
  } finally {
    client.destroy();
  }
}
