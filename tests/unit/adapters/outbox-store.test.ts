import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { OutboxStore } from '../../../lib/platform/relay/outbox-store';

const ddbMock = mockClient(DynamoDBClient);

/**
 * The outbox lag the sweep clock reads on every tick: an idle stage's pending index is empty, and
 * that answer costs one request, not one per shard.
 */
describe('OutboxStore.oldestUnpublishedAge', () => {
  beforeEach(() => ddbMock.reset());

  it('answers 0 after one single-item read of an empty pending index, querying no shard', async () => {
    // Prepare
    ddbMock.on(ScanCommand).resolves({ Items: [] });

    // Act
    const age = await new OutboxStore(new DynamoDBClient({}), 'orders-outbox', 16).oldestUnpublishedAge(1_000_000);

    // Assess
    expect(age).toBe(0);
    expect(ddbMock.commandCalls(ScanCommand).map((c) => c.args[0].input)).toEqual([{ TableName: 'orders-outbox', IndexName: 'UnpublishedIndex', Limit: 1, ProjectionExpression: 'id' }]);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reads the head of every shard when a row is pending, and answers the oldest one’s age', async () => {
    // Prepare: one row pending in the index; shard p3's head is the oldest.
    ddbMock.on(ScanCommand).resolves({ Items: [marshall({ id: 'r1' })] });
    ddbMock.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, { S?: string }> }) => {
      const shard = input.ExpressionAttributeValues[':shard']!.S;
      return { Items: shard === 'p3' ? [marshall({ id: 'r1', createdAt: 990_000 })] : shard === 'p5' ? [marshall({ id: 'r2', createdAt: 995_000 })] : [] };
    });

    // Act
    const age = await new OutboxStore(new DynamoDBClient({}), 'orders-outbox', 16).oldestUnpublishedAge(1_000_000);

    // Assess
    expect(age).toBe(10_000);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(16);
  });
});
