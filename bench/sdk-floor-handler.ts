import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

// The least a function that reads the table can load: the DynamoDB client and document client the
// core uses, built at load like every composition root, and one command prepared (not sent). Bundled
// by bench/bundles.ts exactly as the regional functions are, it is the cold-start floor of the SDK.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const command = new GetCommand({ TableName: 'bench', Key: { pk: 'a', sk: 'b' } });

export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: documents === undefined || command === undefined ? 500 : 405 });
