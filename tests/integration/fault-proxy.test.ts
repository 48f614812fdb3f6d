/**
 * The chaos harness injects faults on the wire. These tests prove the faults look real to the code
 * under test: the AWS SDK, talking to DynamoDB Local through the proxy, raises the same typed errors
 * it raises on AWS, and the same code paths handle them.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, ThrottlingException, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { startFakeEventBridge } from '../steps/fake-eventbridge';
import { table } from '../steps/local-aws';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startFaultProxy } = require('../../local/harness/chaos/fault-proxy') as {
  startFaultProxy: (opts: { target: string; rules: unknown[] }) => Promise<{ endpoint: string; counts: Record<string, number>; close: () => Promise<void> }>;
};
const { dynamoDbRules, eventBridgeRules } = require('../../local/harness/chaos/faults') as {
  dynamoDbRules: (opts: { p: Record<string, number>; random?: () => number }) => unknown[];
  eventBridgeRules: (opts: { p: Record<string, number>; random?: () => number; sendLater: () => Promise<void> }) => unknown[];
};
/* eslint-enable @typescript-eslint/no-require-imports */

const clientThrough = (endpoint: string, maxAttempts = 1) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts });

const aPut = () => ({ Put: { TableName: table('ProductsTable'), Item: marshall({ productId: `fault-${randomUUID()}`, price: 1, stock: 1 }) } });

describe('fault proxy in front of DynamoDB Local', () => {
  const target = () => process.env.AWS_ENDPOINT_URL_DYNAMODB!;

  it('answers a throttled transaction with the ThrottlingException the SDK knows', async () => {
    // Prepare
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { throttling: 1 } }) });
    const client = clientThrough(proxy.endpoint);

    // Act
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: [aPut()] })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(proxy.counts.throttling).toBe(1);
    client.destroy();
    await proxy.close();
  });

  it('answers a conflicting transaction with TransactionCanceledException and one reason per item', async () => {
    // Prepare
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 } }) });
    const client = clientThrough(proxy.endpoint);

    // Act
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: [aPut(), aPut()] })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'TransactionConflict']);
    client.destroy();
    await proxy.close();
  });

  it('lets the transaction writer retry a conflict in-process until it commits', async () => {
    // Prepare: every other transaction conflicts.
    let n = 0;
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 }, random: () => (n++ % 2 === 0 ? 0 : 1) }) });
    const client = clientThrough(proxy.endpoint, 3);
    const put = aPut();

    // Act
    await new TransactionWriter(client, { sleep: async () => undefined }).commit({ writes: [{ write: put }], events: [] });

    // Assess
    const { Item } = await client.send(new GetItemCommand({ TableName: table('ProductsTable'), Key: { productId: put.Put.Item.productId! }, ConsistentRead: true }));
    expect(Item).toBeDefined();
    expect(proxy.counts.transactionConflict).toBe(1);
    client.destroy();
    await proxy.close();
  });

  it('forwards everything untouched when no fault is switched on', async () => {
    // Prepare
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: {} }) });
    const client = clientThrough(proxy.endpoint);
    const productId = `fault-${randomUUID()}`;

    // Act
    await client.send(new PutItemCommand({ TableName: table('ProductsTable'), Item: marshall({ productId, price: 2, stock: 3 }) }));
    const { Item } = await client.send(new GetItemCommand({ TableName: table('ProductsTable'), Key: marshall({ productId }), ConsistentRead: true }));

    // Assess
    expect(Item?.stock).toEqual({ N: '3' });
    expect(proxy.counts).toEqual({});
    client.destroy();
    await proxy.close();
  });
});

describe('fault proxy in front of EventBridge', () => {
  it('refuses one entry of a call the way PutEvents does, forwarding the others', async () => {
    // Prepare
    const bus = await startFakeEventBridge();
    const proxy = await startFaultProxy({ target: bus.endpoint, rules: eventBridgeRules({ p: { putEventsPartialFailure: 1 }, random: () => 0, sendLater: async () => undefined }) });
    const client = new EventBridgeClient({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const entries = ['a', 'b', 'c'].map((x) => ({ Source: 'saga.orders', DetailType: 'order.created', Detail: JSON.stringify({ x }), EventBusName: 'bus' }));

    // Act
    const response = await client.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InternalFailure', 'ok', 'ok']);
    expect(bus.entries.map((e) => JSON.parse(e.Detail).x)).toEqual(['b', 'c']);
    client.destroy();
    await proxy.close();
    await bus.close();
  });

  it('delivers a call twice when duplicating', async () => {
    // Prepare
    const bus = await startFakeEventBridge();
    const proxy = await startFaultProxy({ target: bus.endpoint, rules: eventBridgeRules({ p: { duplicateDelivery: 1 }, random: () => 0, sendLater: async () => undefined }) });
    const client = new EventBridgeClient({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    // Act
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'saga.orders', DetailType: 'order.created', Detail: '{"x":1}', EventBusName: 'bus' }] }));
    await new Promise((r) => setTimeout(r, 100));

    // Assess
    expect(bus.entries).toHaveLength(2);
    expect(proxy.counts.duplicateDelivery).toBe(1);
    client.destroy();
    await proxy.close();
    await bus.close();
  });
});
