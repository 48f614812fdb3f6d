import { DynamoDBClient, GetItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** Table names of the stack under test, keyed by CloudFormation logical id (set by global setup). */
export const tables = (): Record<string, string> => {
  const raw = process.env.TEST_TABLES;
  if (!raw) throw new Error('No table map: run through the integration or e2e Jest project');
  return JSON.parse(raw) as Record<string, string>;
};
export const table = (logicalId: string): string => {
  const name = tables()[logicalId];
  if (!name) throw new Error(`Unknown table ${logicalId}`);
  return name;
};

let client: DynamoDBClient | undefined;
export const ddb = (): DynamoDBClient => (client ??= new DynamoDBClient({}));

export const getItem = async <T = Record<string, unknown>>(logicalId: string, key: Record<string, unknown>): Promise<T | undefined> => {
  const { Item } = await ddb().send(new GetItemCommand({ TableName: table(logicalId), Key: marshall(key), ConsistentRead: true }));
  return Item ? (unmarshall(Item) as T) : undefined;
};

export const scanAll = async <T = Record<string, unknown>>(logicalId: string): Promise<T[]> => {
  const items: T[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const page = await ddb().send(new ScanCommand({ TableName: table(logicalId), ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).map((i) => unmarshall(i) as T));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

export const queryIndex = async <T = Record<string, unknown>>(
  logicalId: string,
  indexName: string,
  keyName: string,
  keyValue: string,
): Promise<T[]> => {
  const { Items } = await ddb().send(
    new QueryCommand({
      TableName: table(logicalId),
      IndexName: indexName,
      KeyConditionExpression: '#k = :v',
      ExpressionAttributeNames: { '#k': keyName },
      ExpressionAttributeValues: marshall({ ':v': keyValue }),
    }),
  );
  return (Items ?? []).map((i) => unmarshall(i) as T);
};
