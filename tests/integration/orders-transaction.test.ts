import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { OrdersRepository } from '../../lib/services/orders/adapters/orders-repository';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { IDEMPOTENCY_KEY_TTL_SECONDS } from '../../lib/services/orders/domain/idempotency';
import { placeOrder } from '../../lib/services/orders/domain/order';
import { placeOrderUseCase, type PlaceOrderDeps } from '../../lib/services/orders/use-cases/place-order';
import { systemClock, type Clock } from '../../lib/platform/ports';
import { ConflictError, IdempotencyKeyReusedError, ValidationError } from '../../lib/platform/errors';
import { reactToSagaEvent, timeOut } from '../../lib/services/orders/domain/transitions';
import type { Order } from '../../lib/services/orders/domain/order';
import { aDynamoDbClientThatLosesTheNextTransactionAnswer, aFixedClock, anInventoryReservedEvent } from '../steps/given';
import { ddb, getItem, queryIndex, scanAll, table } from '../steps/local-aws';
import { expectToReject } from '../steps/then';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const repository = (client: DynamoDBClient = ddb()) =>
  new OrdersRepository(client, { orders: table('OrdersTable'), sagas: table('SagaStateTable'), idempotencyKeys: table('IdempotencyKeysTable') });
const orders = () => repository();
const tx = (client: DynamoDBClient = ddb()) => new TransactionWriter(client, { outboxTable: table('OrdersOutboxTable') });
const deps = (overrides: { client?: DynamoDBClient; clock?: Clock } = {}): PlaceOrderDeps => ({
  orders: repository(overrides.client),
  customers: { defaultCountry: async () => 'DE' },
  tx: tx(overrides.client),
  sagaTimeoutSeconds: 60,
  clock: overrides.clock ?? systemClock,
});
const anOrder = { customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] };
const aCustomerId = () => `itest-customer-${randomUUID().slice(0, 8)}`;
const ordersOf = async (customerId: string) => (await scanAll<{ orderId: string; customerId: string }>('OrdersTable')).filter((o) => o.customerId === customerId);
const outboxRowsOf = (orderId: string) => queryIndex('OrdersOutboxTable', 'AggregateIndex', 'aggregateId', orderId);

describe('placing an order (one TransactWriteItems)', () => {
  it('writes the order, its saga state and the order.created outbox record together', async () => {
    // Act
    const { order } = await placeOrderUseCase({ customerId: 'customer-123', body: { items: anOrder.items } }, deps());

    // Assess
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ status: 'PENDING', customerId: 'customer-123' });
    // The order carries its saga's id; the saga is read by that id (there is no index by orderId).
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ sagaId: order.sagaId });
    expect(await getItem('SagaStateTable', { sagaId: order.sagaId })).toMatchObject({ orderId: order.orderId, currentStep: 'CREATED', steps: { created: { status: 'SUCCESS' } } });
    const outbox = await queryIndex<{ type: string; payload: string; pendingShard?: string }>('OrdersOutboxTable', 'AggregateIndex', 'aggregateId', order.orderId);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ type: 'order.created' });
    // The index projects only what replay reads; the row itself carries the pending shard.
    const row = await getItem<{ pendingShard?: string }>('OrdersOutboxTable', { id: (outbox[0] as unknown as { id: string }).id });
    expect(row?.pendingShard).toMatch(/^p\d+$/);
    expect(JSON.parse(outbox[0]!.payload)).toMatchObject({ aggregateId: order.orderId, correlationId: order.sagaId, sequence: 1 });
  });

  it('writes nothing at all when one condition of the transaction fails', async () => {
    // Prepare: a saga with the same id already exists, so the saga put's condition fails.
    const { result, events } = placeOrder(anOrder, { now: new Date(), sagaTimeoutSeconds: 60 });
    await tx().commit({ writes: [orders().createWrites({ ...result.order, orderId: 'other-order' }, result.saga)[1]!], events: [] });

    // Act
    const attempt = tx().commit({ writes: orders().createWrites(result.order, result.saga), events });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(await getItem('OrdersTable', { orderId: result.order.orderId })).toBeUndefined();
    expect(await getItem('OrdersOutboxTable', { id: events[0].id })).toBeUndefined();
  });

  it('writes nothing for an invalid request', async () => {
    // Prepare
    const customerId = aCustomerId();

    // Act
    const attempt = placeOrderUseCase({ customerId, body: { items: [] }, idempotencyKey: randomUUID() }, deps());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(await ordersOf(customerId)).toEqual([]);
  });
});

describe('Idempotency-Key: the key is recorded in the order’s transaction', () => {
  it('records the key with the request hash and the order, in the same transaction, for 24 hours', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const now = new Date();

    // Act
    const { order, replayed } = await placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps({ clock: aFixedClock(now) }));

    // Assess
    expect(replayed).toBe(false);
    expect(await getItem('IdempotencyKeysTable', { pk: `${customerId}#${key}` })).toMatchObject({
      customerId,
      key,
      orderId: order.orderId,
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      order: JSON.stringify(order),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_KEY_TTL_SECONDS,
    });
  });

  it('answers a retry with the same key and request with the recorded order, and writes nothing new', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const first = await placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps());

    // Act: the same request again, once naming the customer in the body (the same request).
    const second = await placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps());
    const third = await placeOrderUseCase({ customerId, body: { customerId, items: anOrder.items }, idempotencyKey: key }, deps());

    // Assess
    expect(second).toEqual({ order: first.order, replayed: true });
    expect(third).toEqual({ order: first.order, replayed: true });
    expect((await ordersOf(customerId)).map((o) => o.orderId)).toEqual([first.order.orderId]);
    expect(await outboxRowsOf(first.order.orderId)).toHaveLength(1);
  });

  it('refuses the same key with a different request, and writes nothing', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const first = await placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps());

    // Act
    const error = await expectToReject(
      () => placeOrderUseCase({ customerId, body: { items: [{ productId: 'product-1', quantity: 3 }] }, idempotencyKey: key }, deps()),
      IdempotencyKeyReusedError,
    );

    // Assess
    expect(error.message).toMatch(/already used with a different request/);
    expect((await ordersOf(customerId)).map((o) => o.orderId)).toEqual([first.order.orderId]);
  });

  it('scopes keys to the customer: two customers using one key get an order each', async () => {
    // Prepare
    const [alice, bob] = [aCustomerId(), aCustomerId()];
    const key = randomUUID();

    // Act
    const forAlice = await placeOrderUseCase({ customerId: alice, body: { items: anOrder.items }, idempotencyKey: key }, deps());
    const forBob = await placeOrderUseCase({ customerId: bob, body: { items: anOrder.items }, idempotencyKey: key }, deps());

    // Assess
    expect(forBob.replayed).toBe(false);
    expect(forBob.order.orderId).not.toBe(forAlice.order.orderId);
    expect(forBob.order.customerId).toBe(bob);
  });

  it('creates exactly one order for 10 concurrent requests with one key, and answers every one with it', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps())));

    // Assess
    const stored = await ordersOf(customerId);
    expect(stored).toHaveLength(1);
    expect(new Set(results.map((r) => r.order.orderId))).toEqual(new Set([stored[0]!.orderId]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await outboxRowsOf(stored[0]!.orderId)).toHaveLength(1);
  });

  it('the ambiguous case: the first attempt committed but its answer was lost; the retry gets the committed order', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const request = { customerId, body: { items: anOrder.items }, idempotencyKey: key };

    // Act 1: the first attempt fails from the caller's point of view (a 500 for the client)...
    await expect(placeOrderUseCase(request, deps({ client: aDynamoDbClientThatLosesTheNextTransactionAnswer() }))).rejects.toThrow(/timed out/);
    const committed = await ordersOf(customerId);

    // Act 2: ...and the client retries with the same key.
    const retry = await placeOrderUseCase(request, deps());

    // Assess: the first attempt had committed, and the retry answers that order without a second one.
    expect(committed).toHaveLength(1);
    expect(retry).toMatchObject({ replayed: true, order: { orderId: committed[0]!.orderId, customerId, status: 'PENDING' } });
    expect(await ordersOf(customerId)).toHaveLength(1);
    expect(await outboxRowsOf(committed[0]!.orderId)).toHaveLength(1);
  });

  it('frees a key once it has expired (24 hours), even before DynamoDB’s TTL deletes the record', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const then = new Date('2030-01-01T00:00:00.000Z');
    const later = new Date(then.getTime() + (IDEMPOTENCY_KEY_TTL_SECONDS + 1) * 1000);
    const first = await placeOrderUseCase({ customerId, body: { items: anOrder.items }, idempotencyKey: key }, deps({ clock: aFixedClock(then) }));

    // Act: a different request with the expired key is a new request, not a conflict.
    const second = await placeOrderUseCase({ customerId, body: { items: [{ productId: 'product-2', quantity: 1 }] }, idempotencyKey: key }, deps({ clock: aFixedClock(later) }));

    // Assess
    expect(second.replayed).toBe(false);
    expect(second.order.orderId).not.toBe(first.order.orderId);
    expect(await getItem('IdempotencyKeysTable', { pk: `${customerId}#${key}` })).toMatchObject({ orderId: second.order.orderId });
  });

  it('creates an order per request when no key is sent', async () => {
    // Prepare
    const customerId = aCustomerId();

    // Act
    await placeOrderUseCase({ customerId, body: { items: anOrder.items } }, deps());
    await placeOrderUseCase({ customerId, body: { items: anOrder.items } }, deps());

    // Assess
    expect(await ordersOf(customerId)).toHaveLength(2);
  });
});

describe("the keeper's reactions (one transaction each)", () => {
  it('records a step without touching the order, and refuses a step built on a pending order once the saga has ended', async () => {
    // Prepare: a pending order, and the keeper's reaction to its reservation, computed while pending.
    const { order } = await placeOrderUseCase({ customerId: 'customer-123', body: { items: anOrder.items } }, deps());
    const stored = (await getItem<Order>('OrdersTable', { orderId: order.orderId }))!;
    const reserved = reactToSagaEvent(stored, anInventoryReservedEvent({ orderId: order.orderId }, { aggregateId: order.orderId, correlationId: order.sagaId }), new Date());

    // Act: the step is recorded (one write: the saga; no check on the order).
    const writes = orders().reactionWrites(order.orderId, reserved);
    await tx().commit({ writes, events: [] });

    // Assess
    expect(writes).toHaveLength(1);
    expect(await getItem('SagaStateTable', { sagaId: order.sagaId })).toMatchObject({ currentStep: 'INVENTORY_RESERVED' });
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ version: stored.version, status: 'PENDING' });

    // Act: the saga ends (the deadline cancels it), then the stale reaction is committed again.
    const cancelled = timeOut(stored, new Date(Date.parse(stored.deadline) + 1))!;
    await tx().commit({ writes: orders().reactionWrites(order.orderId, cancelled), events: cancelled.events });
    const stale = tx().commit({ writes: orders().reactionWrites(order.orderId, reserved), events: [] });

    // Assess: refused as a concurrent change (the keeper reads again), and the trail keeps CANCELLED.
    await expectToReject(() => stale, ConflictError);
    expect(await getItem('SagaStateTable', { sagaId: order.sagaId })).toMatchObject({ currentStep: 'CANCELLED', completedAt: expect.any(String) });
  });
});
