/**
 * TransactionWriter's reading of DynamoDB's cancellation reasons. DynamoDB Local serialises
 * transactions and never answers `TransactionConflict`, so the retry path is proven here, on a
 * mocked client; the integration tier proves the rest on the real thing.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { MARKER_TTL_SECONDS, TransactionWriter, type DynamoTxWrite as TxWrite, type ProcessedMarker } from '../../../lib/platform/adapters/dynamodb/transaction';
import { TransactionConflictError, TransactionThrottledError } from '../../../lib/platform/adapters/errors';
import { DuplicateEventError, InsufficientFundsError } from '../../../lib/platform/errors';
import { A_FIXED_NOW, anInventoryReservedEvent } from '../../steps/given';
import { expectToReject } from '../../steps/then';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code): CancellationReason => ({ Code })),
  });

const aWriter = (maxAttempts?: number) => {
  const sleeps: number[] = [];
  const writer = new TransactionWriter(new DynamoDBClient({ region: 'eu-west-1' }), {
    inboxTable: 'inbox',
    outboxTable: 'outbox',
    ...(maxAttempts ? { maxAttempts } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { writer, sleeps };
};

const marker: ProcessedMarker = { consumer: 'reserveStock', eventId: '5f0c1c8e-3b7e-4a8e-9d55-2c1d8c6f4b11', eventType: 'order.created', startedAt: '2025-01-15T09:59:59.950Z' };
const decrement: TxWrite = {
  write: { Update: { TableName: 'products', Key: { productId: { S: 'p-1' } }, UpdateExpression: 'SET stock = stock - :q', ExpressionAttributeValues: { ':q': { N: '1' } } } },
  onConditionFailed: () => new InsufficientFundsError('p-1'),
};
const sentItems = (call = 0) => dynamo.commandCalls(TransactWriteItemsCommand)[call]!.args[0].input.TransactItems ?? [];

describe('TransactionWriter.commit', () => {
  it('sends the marker first, then the business writes, then one outbox put per event, in one transaction', async () => {
    // Prepare
    dynamo.on(TransactWriteItemsCommand).resolves({});
    const event = anInventoryReservedEvent();
    const { writer } = aWriter();

    // Act
    await writer.commit({ writes: [decrement], events: [event] }, marker, A_FIXED_NOW);

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
    const items = sentItems();
    expect(items).toHaveLength(3);
    expect(items[0]!.Put).toMatchObject({
      TableName: 'inbox',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: { S: `reserveStock#${marker.eventId}` },
        eventType: { S: 'order.created' },
        startedAt: { S: marker.startedAt },
        processedAt: { S: A_FIXED_NOW.toISOString() },
        expiresAt: { N: String(Math.floor(A_FIXED_NOW.getTime() / 1000) + MARKER_TTL_SECONDS) },
      },
    });
    expect(items[1]).toBe(decrement.write);
    expect(items[2]!.Put).toMatchObject({ TableName: 'outbox', ConditionExpression: 'attribute_not_exists(id)', Item: { id: { S: event.id } } });
  });

  it('classifies a failed marker condition as a duplicate, whatever else failed', async () => {
    // Prepare
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'));
    const { writer } = aWriter();

    // Act
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [anInventoryReservedEvent()] }, marker), DuplicateEventError);

    // Assess
    expect(error).toMatchObject({ consumer: marker.consumer, eventId: marker.eventId });
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it("maps a failed business condition to that write's domain error", async () => {
    // Prepare
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    const { writer } = aWriter();

    // Act
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [anInventoryReservedEvent()] }, marker), InsufficientFundsError);

    // Assess
    expect(error.customerId).toBe('p-1');
  });

  it('retries a transaction cancelled by a concurrent one, with a bounded backoff, until it commits', async () => {
    // Prepare
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .rejectsOnce(cancelled('TransactionConflict', 'None'))
      .resolves({});
    const { writer, sleeps } = aWriter();

    // Act
    await writer.commit({ writes: [decrement], events: [] }, marker);

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 1000)).toBe(true);
  });

  it('sees the marker on a retry after a conflict: the concurrent delivery won, so it is a duplicate', async () => {
    // Prepare
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None'))
      .rejects(cancelled('ConditionalCheckFailed', 'None'));
    const { writer } = aWriter();

    // Act
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [] }, marker), DuplicateEventError);

    // Assess
    expect(error.eventId).toBe(marker.eventId);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
  });

  it('gives up with TransactionConflictError after maxAttempts, so the invocation is retried later', async () => {
    // Prepare
    const conflict = cancelled('None', 'TransactionConflict');
    dynamo.on(TransactWriteItemsCommand).rejects(conflict);
    const { writer, sleeps } = aWriter(4);

    // Act
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [] }, marker), TransactionConflictError);

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(error.cause).toBeInstanceOf(TransactionCanceledException);
  });

  it.each(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded', 'SomeFutureTransientCode'])(
    'retries a transaction cancelled for %s, with bounded jittered backoff, until it commits',
    async (code) => {
      // Prepare
      dynamo.on(TransactWriteItemsCommand).rejectsOnce(cancelled('None', code)).rejectsOnce(cancelled(code, 'None')).resolves({});
      const { writer, sleeps } = aWriter();

      // Act
      await writer.commit({ writes: [decrement], events: [] }, marker);

      // Assess
      expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
      expect(sleeps.every((ms) => ms >= 0 && ms <= 1000)).toBe(true);
    },
  );

  it('retries throttling the SDK gave up on (ProvisionedThroughputExceededException) within its own bound', async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    dynamo.on(TransactWriteItemsCommand).rejectsOnce(throttled).resolves({});
    const { writer, sleeps } = aWriter();

    // Act
    await writer.commit({ writes: [decrement], events: [] }, marker);

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up with TransactionThrottledError after maxAttempts of throttling, so the invocation fails and is retried later', async () => {
    // Prepare
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ThrottlingError', 'None'));
    const { writer, sleeps } = aWriter(3);

    // Act
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [] }, marker), TransactionThrottledError);

    // Assess
    expect(error.reason).toBe('ThrottlingError');
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(error.cause).toBeInstanceOf(TransactionCanceledException);
  });

  it('does not retry a transaction cancelled for a ValidationError: the request itself is wrong', async () => {
    // Prepare
    dynamo.on(TransactWriteItemsCommand).rejects(cancelled('ValidationError', 'ThrottlingError'));
    const { writer } = aWriter();

    // Act
    await expectToReject(() => writer.commit({ writes: [decrement], events: [] }, marker), TransactionCanceledException);

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it('commits nothing, and sends nothing, for an empty unit without a marker', async () => {
    // Prepare
    const { writer } = aWriter();

    // Act
    await writer.commit({ writes: [], events: [] });

    // Assess
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it('commits the marker alone for an event that needs no change (an ignored event is still marked), as one conditional put', async () => {
    // Prepare
    dynamo.on(PutItemCommand).resolves({});
    const { writer } = aWriter();

    // Act
    await writer.commit({ writes: [], events: [] }, marker);

    // Assess: one item is atomic by itself, at half a transaction's write units.
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
    const put = dynamo.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('inbox');
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('reads a single write refused by its condition as the transaction would: a marker is a duplicate, a business write its domain error', async () => {
    // Prepare
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamo.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const { writer } = aWriter();

    // Act
    const duplicate = await expectToReject(() => writer.commit({ writes: [], events: [] }, marker), DuplicateEventError);
    const domain = await expectToReject(() => writer.commit({ writes: [decrement], events: [] }), InsufficientFundsError);

    // Assess
    expect(duplicate.eventId).toBe(marker.eventId);
    expect(domain).toBeInstanceOf(InsufficientFundsError);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it('retries a single write that met a transaction on its item (TransactionConflictException), then gives up with TransactionConflictError', async () => {
    // Prepare
    const conflict = Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });
    dynamo.on(UpdateItemCommand).rejectsOnce(conflict).resolvesOnce({});
    const { writer, sleeps } = aWriter(2);

    // Act
    await writer.commit({ writes: [decrement], events: [] });
    dynamo.on(UpdateItemCommand).rejects(conflict);
    const error = await expectToReject(() => writer.commit({ writes: [decrement], events: [] }), TransactionConflictError);

    // Assess
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(error.cause).toBe(conflict);
  });
});

describe('TransactionWriter.countDuplicate', () => {
  it('adds one to the duplicates of the existing marker, and never creates one', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolves({});
    const { writer } = aWriter();

    // Act
    await writer.countDuplicate(marker, A_FIXED_NOW);

    // Assess
    const [call] = dynamo.commandCalls(UpdateItemCommand);
    expect(call!.args[0].input).toMatchObject({
      TableName: 'inbox',
      Key: { pk: { S: `reserveStock#${marker.eventId}` } },
      UpdateExpression: 'ADD duplicates :one SET lastDuplicateAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':now': { S: A_FIXED_NOW.toISOString() } },
    });
  });
});
