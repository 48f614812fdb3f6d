import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * One client per container, reused across invocations. Endpoints come from the standard SDK
 * settings (`AWS_ENDPOINT_URL_DYNAMODB` locally), so no code path knows where it runs.
 */
let shared: DynamoDBClient | undefined;
export const dynamoDbClient = (): DynamoDBClient => (shared ??= new DynamoDBClient({}));
