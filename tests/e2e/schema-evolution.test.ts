import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { toOutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import { watchShardOf } from '../../lib/services/orders/adapters/orders-repository';
import { aCustomer, anEvent, aProduct } from '../steps/given';
import { fetchSaga, invokeFunction, placeOrder, putOnBus } from '../steps/when';
import { balanceOf, eventually, orderSettles } from '../steps/then';
import { ddb, getItem, scanAll, table } from '../steps/local-aws';
import { type AnyEnvelope } from '../../lib/services/contracts';

const put = (logicalId: string, item: object) =>
  ddb().send(new PutItemCommand({ TableName: table(logicalId), Item: marshall(item, { removeUndefinedValues: true }) }));

/**
 * `inventory.reserved` moved to version 2 (it carries the saga deadline). Events of version 1 are
 * still around when that deploys: rows committed but not yet published, and events on the bus.
 * Each is seeded here exactly as the previous version of inventory wrote it, for an order whose
 * stock that inventory had reserved.
 */
const anOrderReservedByVersion1 = async (customerId: string) => {
  const productId = await aProduct({ stock: 9, price: 1000 });
  const orderId = randomUUID();
  const sagaId = randomUUID();
  const now = new Date();
  const deadline = new Date(now.getTime() + 120_000).toISOString();
  await put('OrdersTable', { orderId, customerId, items: [{ productId, quantity: 1 }], status: 'PENDING', sagaId, createdAt: now.toISOString(), updatedAt: now.toISOString(), deadline, version: 1 });
  await put('SagaStateTable', {
    sagaId,
    orderId,
    currentStep: 'CREATED',
    steps: { created: { status: 'SUCCESS', timestamp: now.toISOString(), eventId: randomUUID() } },
    compensationRequired: false,
    deadline,
    startedAt: now.toISOString(),
    watchShard: watchShardOf(sagaId),
    watchAt: deadline,
    watchKind: 'RUNNING',
  });
  const items = [{ productId, quantity: 1, unitPrice: 1000 }];
  await put('ReservationsTable', { orderId, customerId, status: 'RESERVED', items, amount: 1000, version: 1, updatedAt: now.toISOString() });
  // Shipping had recorded the destination from the order's order.created.
  await put('ShipmentsTable', { orderId, customerId, status: 'REQUESTED', country: 'DE', version: 1, updatedAt: now.toISOString() });
  const current = anEvent({ type: 'inventory.reserved', aggregateId: orderId, sequence: 1, correlationId: sagaId, causationId: randomUUID(), data: { orderId, customerId, items, amount: 1000 } }, now);
  // Version 1 as the previous code wrote it: no deadline in its data, `version: 1`.
  const v1 = { ...JSON.parse(JSON.stringify(current)), version: 1 } as AnyEnvelope;
  return { orderId, v1 };
};

describe('schema evolution: an event type gains a version 2 while version-1 events are unpublished and in flight', () => {
  it('loses nothing and dead-letters nothing: every consumer of inventory.reserved applies version 1 and version 2', async () => {
    // Prepare
    const customerId = await aCustomer(100_000);
    const unpublished = await anOrderReservedByVersion1(customerId);
    const inFlight = await anOrderReservedByVersion1(customerId);

    // Act: the version-1 row committed before the deploy is relayed as it is (stream path; the
    // sweeper would do the same), the in-flight one arrives from the bus, and a new order runs on version 2.
    await put('InventoryOutboxTable', toOutboxRow(unpublished.v1));
    await putOnBus([inFlight.v1]);
    const { body: placed } = await placeOrder({ customerId, items: [{ productId: 'product-1', quantity: 1 }] });

    // Assess: all three sagas complete; the customer paid for each exactly once.
    for (const orderId of [unpublished.orderId, inFlight.orderId, placed.orderId]) {
      expect((await orderSettles(orderId, 60_000)).status).toBe('CONFIRMED');
    }
    expect(await balanceOf(customerId)).toBe(100_000 - 1000 - 1000 - 2500);
    const v2 = (await fetchSaga(placed.orderId)).body.steps.inventoryReservation!.eventId;
    for (const eventId of [unpublished.v1.id, inFlight.v1.id, v2]) {
      expect(await getItem('PaymentsInboxTable', { pk: `chargePayment#${eventId}` })).toBeDefined();
      expect(await getItem('OrdersInboxTable', { pk: `advanceSaga#${eventId}` })).toBeDefined();
    }
    expect((await getItem<{ payload: string }>('InventoryOutboxTable', { id: v2 }))!.payload).toContain('"version":2');
    const row = await eventually(() => getItem<{ publishedAt?: number; payload: string }>('InventoryOutboxTable', { id: unpublished.v1.id }).then((r) => (r?.publishedAt ? r : undefined)));
    expect(JSON.parse(row.payload)).toMatchObject({ version: 1 });
    const letters = await scanAll<{ event: string }>('DeadLetterTable');
    expect(letters.filter((l) => l.event.includes(unpublished.orderId) || l.event.includes(inFlight.orderId) || l.event.includes(placed.orderId))).toEqual([]);
  });

  it('replays a version-1 row by id (replay follows the relay): published as it is, and consumers skip it as a duplicate', async () => {
    // Prepare
    const customerId = await aCustomer(100_000);
    const { orderId, v1 } = await anOrderReservedByVersion1(customerId);
    await put('InventoryOutboxTable', toOutboxRow(v1));
    expect((await orderSettles(orderId, 60_000)).status).toBe('CONFIRMED');
    const balance = await balanceOf(customerId);

    // Act
    const result = await invokeFunction<{ matched: number; published: number; failed: number }>('replayEvents', { eventId: v1.id });

    // Assess
    expect(result).toMatchObject({ matched: 1, published: 1, failed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await balanceOf(customerId)).toBe(balance);
  });
});
