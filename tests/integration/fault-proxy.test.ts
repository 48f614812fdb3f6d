/**
 * The chaos harness injects faults on the wire. These tests prove the faults look real to the code
 * under test: the AWS SDK, talking to DynamoDB Local through the proxy, raises the same typed errors
 * it raises on AWS, and the same code paths handle them.
 */
import { randomUUID } from 'node:crypto';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { startFakeEventBridge } from '../steps/fake-eventbridge';
import { table } from '../steps/local-aws';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startFaultProxy } = require('../../local/harness/chaos/fault-proxy') as {
  startFaultProxy: (opts: { target: string; rules: unknown[] }) => Promise<{ endpoint: string; counts: Record<string, number>; close: () => Promise<void> }>;
};
const { hotItems } = require('../../local/harness/chaos/hot-items') as { hotItems: (opts?: { minTouches?: number }) => unknown };
const { dynamoDbRules, eventBridgeRules } = require('../../local/harness/chaos/faults') as {
  dynamoDbRules: (opts: { p: Record<string, number>; random?: () => number; hot?: unknown }) => unknown[];
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

  /** A product written straight to DynamoDB Local, and a transaction's update of its stock. */
  const aHotProduct = async () => {
    const productId = `fault-hot-${randomUUID()}`;
    const direct = clientThrough(target());
    await direct.send(new PutItemCommand({ TableName: table('ProductsTable'), Item: marshall({ productId, price: 1, stock: 100 }) }));
    direct.destroy();
    const update = () => ({ Update: { TableName: table('ProductsTable'), Key: marshall({ productId }), UpdateExpression: 'SET stock = stock - :one', ExpressionAttributeValues: marshall({ ':one': 1 }) } });
    return { productId, update };
  };
  /** Every item written at least once is hot: the test's product from its first write on. */
  const everyWrittenItemIsHot = () => hotItems({ minTouches: 1 });

  it('cancels a transaction on a hot item with TransactionCanceledException: TransactionConflict on that item, None on the others', async () => {
    // Prepare
    const { update } = await aHotProduct();
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 }, hot: everyWrittenItemIsHot() }) });
    const client = clientThrough(proxy.endpoint);

    // Act
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: [aPut(), update(), aPut()] })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'TransactionConflict', 'None']);
    client.destroy();
    await proxy.close();
  });

  it('refuses a plain write to a hot item with TransactionConflictException, as DynamoDB does while a transaction holds it', async () => {
    // Prepare
    const { update } = await aHotProduct();
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 }, hot: everyWrittenItemIsHot() }) });
    const client = clientThrough(proxy.endpoint);

    // Act
    const error = await client.send(new UpdateItemCommand(update().Update)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransactionConflictException);
    expect(proxy.counts.transactionConflict).toBe(1);
    client.destroy();
    await proxy.close();
  });

  it('conflicts only where traffic meets: transactions on the hottest items, never on records written once', async () => {
    // Prepare: the default notion of hot (among the most written lately, three writes in about a second).
    const { update } = await aHotProduct();
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 } }) });
    const client = clientThrough(proxy.endpoint);
    const send = (items: unknown[]) => client.send(new TransactWriteItemsCommand({ TransactItems: items as never })).then(() => 'committed', (e: Error) => e.name);

    // Act
    const cold = [await send([aPut()]), await send([aPut()]), await send([aPut()]), await send([aPut()])];
    const warming = [await send([update()]), await send([update()])];
    const hot = await send([aPut(), update()]);

    // Assess
    expect(cold).toEqual(['committed', 'committed', 'committed', 'committed']);
    expect(warming).toEqual(['committed', 'committed']);
    expect(hot).toBe('TransactionCanceledException');
    client.destroy();
    await proxy.close();
  });

  it('lets the transaction writer retry a conflict in-process until it commits', async () => {
    // Prepare: every other transaction on the hot product conflicts.
    const { productId, update } = await aHotProduct();
    let n = 0;
    const proxy = await startFaultProxy({ target: target(), rules: dynamoDbRules({ p: { transactionConflict: 1 }, hot: everyWrittenItemIsHot(), random: () => (n++ % 2 === 0 ? 0 : 1) }) });
    const client = clientThrough(proxy.endpoint, 3);

    // Act
    await new TransactionWriter(client, { sleep: async () => undefined }).commit({ writes: [{ write: update() }], events: [] });

    // Assess
    const { Item } = await client.send(new GetItemCommand({ TableName: table('ProductsTable'), Key: marshall({ productId }), ConsistentRead: true }));
    expect(Item?.stock).toEqual({ N: '99' });
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
