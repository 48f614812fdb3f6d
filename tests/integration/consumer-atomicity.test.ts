/**
 * The idempotent consumer on real DynamoDB Local: the processed-event marker and the consumer's
 * business writes and outbox rows are ONE transaction, so neither can exist without the other, and
 * concurrent deliveries of one event apply it once.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { DeadLetterStore } from '../../lib/platform/adapters/dynamodb/dead-letters';
import { InventoryRepository } from '../../lib/services/inventory/adapters/inventory-repository';
import { toItem } from '../../lib/platform/adapters/dynamodb/marshalling';
import { markerKey, TransactionWriter, type ProcessedMarker } from '../../lib/platform/adapters/dynamodb/transaction';
import { ConflictError, DuplicateEventError } from '../../lib/platform/errors';
import { decideReservation, type Product, type Reservation } from '../../lib/services/inventory/domain/reservation';
import { consumerHandler, type ConsumerOutcome } from '../../lib/platform/middleware/consumer';
import { reserveStock } from '../../lib/services/inventory/use-cases/reserve-stock';
import { systemClock } from '../../lib/platform/ports';
import { aCatalogue, anEventBridgeEvent, anOrderCreatedEvent, anOversizedOrderCreatedEvent, asJson } from '../steps/given';
import { invokeConsumer } from '../steps/when';
import { expectToReject } from '../steps/then';
import { ddb, getItem, queryIndex, scanAll, table } from '../steps/local-aws';
import { reactTo, type Envelope } from '../../lib/services/contracts';
import { topology } from '../../lib/services/saga';

const RESERVE_STOCK = 'reserveStock';

const inventory = () => new InventoryRepository(ddb(), { products: table('ProductsTable'), reservations: table('ReservationsTable') });
const transactions = () => new TransactionWriter(ddb(), { inboxTable: table('InventoryInboxTable'), outboxTable: table('InventoryOutboxTable') });

/** The inventory service's reserve-stock consumer, wired as in production but on this test's tables. */
const reserveStockSubscription = topology.subscriptionOf('reserveStock');

const aReserveStockConsumer = (consumer = RESERVE_STOCK) => {
  const client = ddb();
  const deps = {
    tx: transactions(),
    deadLetters: new DeadLetterStore(client, table('DeadLetterTable')),
  };
  const repository = inventory();
  const handler = consumerHandler({ ...reserveStockSubscription, consumer } as typeof reserveStockSubscription, deps, (event, commit) => reserveStock(event, commit, { inventory: repository, clock: systemClock }));
  return (event: EventBridgeEvent<string, unknown>): Promise<ConsumerOutcome> => invokeConsumer(handler, event, 'inventory-reserve-stock');
};

/** A product of this test alone, so tests never share stock. */
const aProductInStock = async (stock: number, price = 500): Promise<string> => {
  const productId = `itest-${randomUUID()}`;
  const product: Product = { productId, name: 'Integration test product', price, stock };
  await ddb().send(new PutItemCommand({ TableName: table('ProductsTable'), Item: toItem(product) }));
  return productId;
};

const stockOf = async (productId: string): Promise<number> => (await getItem<Product>('ProductsTable', { productId }))!.stock;
const reservationOf = (orderId: string) => getItem<Reservation>('ReservationsTable', { orderId });
const markerOf = (consumer: string, eventId: string) => getItem<ProcessedMarker & { processedAt: string }>('InventoryInboxTable', { pk: markerKey(consumer, eventId) });
const outboxRowsOf = (orderId: string) => queryIndex<{ id: string; type: string; payload: string }>('InventoryOutboxTable', 'AggregateIndex', 'aggregateId', orderId);
const markerFor = (event: Envelope<'order.created'>, consumer = RESERVE_STOCK): ProcessedMarker => ({ consumer, eventId: event.id, eventType: event.type });

/** What inventory decides from `catalogue` (possibly a stale read), as a unit of work for `TransactionWriter`. */
const reservationUnit = (event: Envelope<'order.created'>, catalogue: Map<string, Product>) => {
  const decision = decideReservation(event, catalogue, undefined, new Date());
  if (decision.kind !== 'reserve') throw new Error(`precondition: expected a reservation, got ${decision.kind}`);
  const repository = inventory();
  return {
    decision,
    unit: {
      writes: [repository.putNewReservation(decision.reservation), ...event.data.items.map((l) => repository.decrementStock(l.productId, { shard: 0, quantity: l.quantity }))],
      events: decision.events,
    },
  };
};

/** Reads the stock of `productId` in a loop until stopped, to catch it below zero at any moment. */
const watchStock = (productId: string) => {
  const seen: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) seen.push(await stockOf(productId));
  })();
  return {
    stop: async (): Promise<number[]> => {
      running = false;
      await loop;
      return seen;
    },
  };
};

describe('TransactionWriter: the marker and the business writes commit together or not at all', () => {
  it('(a) a business write that fails its condition leaves no marker, no reservation, no outbox row and the stock unchanged', async () => {
    // Prepare: inventory read 100 in stock (a stale read); in fact only 2 are left.
    const productId = await aProductInStock(2);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 5 }] } }, new Date());
    const { orderId } = event.data;
    const { unit, decision } = reservationUnit(event, aCatalogue({ productId, price: 500, stock: 100 }));

    // Act
    const error = await expectToReject(() => transactions().commit(unit, markerFor(event)), ConflictError);

    // Assess: a shard short of what was read means "read again", never "out of stock" from a stale read.
    expect(error.message).toContain(`Shard 0 of ${productId} holds fewer than 5 units now`);
    expect(await markerOf(RESERVE_STOCK, event.id)).toBeUndefined();
    expect(await reservationOf(orderId)).toBeUndefined();
    expect(await getItem('InventoryOutboxTable', { id: decision.events[0].id })).toBeUndefined();
    expect(await outboxRowsOf(orderId)).toEqual([]);
    expect(await stockOf(productId)).toBe(2);
  });

  it('(a) undoes nothing it did not do: the lines that had stock are not decremented when another line fails', async () => {
    // Prepare
    const plenty = await aProductInStock(10);
    const scarce = await aProductInStock(1);
    const event = anOrderCreatedEvent({ data: { items: [{ productId: plenty, quantity: 3 }, { productId: scarce, quantity: 2 }] } }, new Date());
    const { unit } = reservationUnit(event, aCatalogue({ productId: plenty, price: 100, stock: 10 }, { productId: scarce, price: 100, stock: 2 }));

    // Act
    const error = await expectToReject(() => transactions().commit(unit, markerFor(event)), ConflictError);

    // Assess
    expect(error.message).toContain(`of ${scarce} holds fewer`);
    expect(await stockOf(plenty)).toBe(10);
    expect(await stockOf(scarce)).toBe(1);
    expect(await markerOf(RESERVE_STOCK, event.id)).toBeUndefined();
    expect(await reservationOf(event.data.orderId)).toBeUndefined();
  });

  it('(b) a second commit under a marker already recorded is a DuplicateEventError and applies NOTHING', async () => {
    // Prepare: the event was processed once (marker, reservation, decrement of 2, one outbox row).
    const productId = await aProductInStock(5);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 2 }] } }, new Date());
    const { orderId } = event.data;
    const firstAt = new Date('2025-01-15T10:00:00.000Z');
    const { unit, decision } = reservationUnit(event, await inventory().getProducts([productId]));
    await transactions().commit(unit, markerFor(event), firstAt);
    // A redelivery re-runs the logic: a fresh outbox event (new id) and a decrement that, alone, would succeed.
    const again = reactTo(event, 'inventory.reserved', decision.events[0].data, 1, new Date());
    const replay = { writes: [inventory().decrementStock(productId, { shard: 0, quantity: 2 })], events: [again] };

    // Act
    const error = await expectToReject(() => transactions().commit(replay, markerFor(event), new Date('2025-01-15T11:00:00.000Z')), DuplicateEventError);

    // Assess
    expect(error).toMatchObject({ consumer: RESERVE_STOCK, eventId: event.id });
    expect(await stockOf(productId)).toBe(3);
    const rows = await outboxRowsOf(orderId);
    expect(rows.map((r) => r.id)).toEqual([decision.events[0].id]);
    expect(await getItem('InventoryOutboxTable', { id: again.id })).toBeUndefined();
    expect(await markerOf(RESERVE_STOCK, event.id)).toMatchObject({ eventId: event.id, eventType: 'order.created', processedAt: firstAt.toISOString() });
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED', items: [{ productId, quantity: 2, unitPrice: 500 }] });
  });

  it('(b) reports a duplicate, not a conflict, when the redelivered writes would also fail their own conditions', async () => {
    // Prepare: the same decision committed once; the redelivery recomputes the very same writes.
    const productId = await aProductInStock(5);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 2 }] } }, new Date());
    await transactions().commit(reservationUnit(event, await inventory().getProducts([productId])).unit, markerFor(event));
    const { unit: replay } = reservationUnit(event, aCatalogue({ productId, price: 500, stock: 5 }));

    // Act
    const error = await expectToReject(() => transactions().commit(replay, markerFor(event)), DuplicateEventError);

    // Assess
    expect(error.eventId).toBe(event.id);
    expect(await stockOf(productId)).toBe(3);
    expect(await outboxRowsOf(event.data.orderId)).toHaveLength(1);
  });

  it('(b) keys markers by consumer: the same event is not a duplicate for another consumer', async () => {
    // Prepare
    const productId = await aProductInStock(5);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 1 }] } }, new Date());
    await transactions().commit({ writes: [inventory().decrementStock(productId, { shard: 0, quantity: 1 })], events: [] }, markerFor(event, 'consumer-a'));

    // Act
    await transactions().commit({ writes: [inventory().decrementStock(productId, { shard: 0, quantity: 1 })], events: [] }, markerFor(event, 'consumer-b'));

    // Assess
    expect(await stockOf(productId)).toBe(3);
    expect(await markerOf('consumer-a', event.id)).toBeDefined();
    expect(await markerOf('consumer-b', event.id)).toBeDefined();
  });
});

describe('reserveStock through consumerHandler on DynamoDB Local', () => {
  it('(c) processes an event once: the second delivery is a duplicate and the stock is decremented once', async () => {
    // Prepare
    const productId = await aProductInStock(10, 250);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 3 }] } }, new Date());
    const { orderId } = event.data;
    const consume = aReserveStockConsumer();

    // Act
    const first = await consume(anEventBridgeEvent(event));
    const second = await consume(anEventBridgeEvent(event));

    // Assess
    expect(first).toEqual({ status: 'processed', eventId: event.id });
    expect(second).toEqual({ status: 'duplicate', eventId: event.id });
    expect(await stockOf(productId)).toBe(7);
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED', amount: 750, items: [{ productId, quantity: 3, unitPrice: 250 }] });
    const rows = await outboxRowsOf(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'inventory.reserved' });
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ causationId: event.id, correlationId: event.correlationId, data: { amount: 750 } });
    expect(await markerOf(RESERVE_STOCK, event.id)).toMatchObject({ consumer: RESERVE_STOCK, eventId: event.id, eventType: 'order.created' });
  });

  it('(c) leaves a marker for this consumer only', async () => {
    // Prepare
    const productId = await aProductInStock(10);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 1 }] } }, new Date());
    const before = await markerOf(RESERVE_STOCK, event.id);

    // Act
    await aReserveStockConsumer()(anEventBridgeEvent(event));

    // Assess
    expect(before).toBeUndefined();
    expect(await markerOf(RESERVE_STOCK, event.id)).toBeDefined();
    expect(await markerOf('releaseStock', event.id)).toBeUndefined();
  });

  it('(c) applies an event once when 5 deliveries of it run concurrently', async () => {
    // Prepare
    const productId = await aProductInStock(10);
    const event = anOrderCreatedEvent({ data: { items: [{ productId, quantity: 2 }] } }, new Date());
    const { orderId } = event.data;
    const consume = aReserveStockConsumer();
    const deliveries = Array.from({ length: 5 }, () => anEventBridgeEvent(event));

    // Act
    const outcomes = await Promise.all(deliveries.map((delivery) => consume(delivery)));

    // Assess
    const statuses = outcomes.map((o) => o.status).sort();
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed']);
    expect(outcomes.every((o) => o.eventId === event.id)).toBe(true);
    expect(await stockOf(productId)).toBe(8);
    const markers = (await scanAll<ProcessedMarker>('InventoryInboxTable')).filter((m) => m.eventId === event.id);
    expect(markers).toEqual([expect.objectContaining({ consumer: RESERVE_STOCK, eventType: 'order.created' })]);
    expect(await outboxRowsOf(orderId)).toHaveLength(1);
    expect(await reservationOf(orderId)).toMatchObject({ status: 'RESERVED' });
  });

  it('(d) never oversells: 8 concurrent orders of 1 for the last 3 units give 3 reservations and 5 failures', async () => {
    // Prepare
    const productId = await aProductInStock(3);
    const events = Array.from({ length: 8 }, () => anOrderCreatedEvent({ data: { items: [{ productId, quantity: 1 }] } }, new Date()));
    const consume = aReserveStockConsumer();
    const watcher = watchStock(productId);

    // Act
    const outcomes = await Promise.all(events.map((event) => consume(anEventBridgeEvent(event))));

    // Assess
    const observed = await watcher.stop();
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('processed'));
    const reservations = await Promise.all(events.map((e) => reservationOf(e.data.orderId)));
    const byStatus = (status: string) => reservations.filter((r) => r?.status === status);
    expect(byStatus('RESERVED')).toHaveLength(3);
    expect(byStatus('FAILED')).toHaveLength(5);
    expect(byStatus('FAILED').every((r) => r!.reason === `Insufficient stock for ${productId}`)).toBe(true);
    expect(await stockOf(productId)).toBe(0);
    expect(observed.length).toBeGreaterThan(0);
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);
    const rows = (await Promise.all(events.map((e) => outboxRowsOf(e.data.orderId)))).flat();
    expect(rows.map((r) => r.type).sort()).toEqual([...Array(5).fill('inventory.reservation.failed'), ...Array(3).fill('inventory.reserved')]);
  });

  it('dead-letters an event that breaks its contract in the dead-letter table, with the reason', async () => {
    // Prepare
    const consumer = `reserveStock-${randomUUID()}`;
    const consume = aReserveStockConsumer(consumer);
    const broken = { ...asJson(anOrderCreatedEvent()), data: { orderId: 'order-without-items' } };

    // Act
    const outcome = await consume(anEventBridgeEvent(broken));

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    const letters = (await scanAll<{ consumer: string; reason: string; event: string }>('DeadLetterTable')).filter((l) => l.consumer === consumer);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.reason).toBe('Invalid data for "order.created"');
    expect(JSON.parse(letters[0]!.event)).toMatchObject({ detail: { data: { orderId: 'order-without-items' } } });
    expect(await reservationOf('order-without-items')).toBeUndefined();
  });

  it('stores a 100,000-line poison event in the dead-letter table, truncated to fit and saying so, and never fails the invocation', async () => {
    // Prepare
    const consumer = `reserveStock-${randomUUID()}`;
    const consume = aReserveStockConsumer(consumer);
    const poison = anOversizedOrderCreatedEvent(100_000);
    const orderId = (poison.data as { orderId: string }).orderId;

    // Act
    const outcome = await consume(anEventBridgeEvent(poison));

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    const letters = (await scanAll<{ consumer: string; reason: string; event: string; truncated?: string[]; eventBytes?: number }>('DeadLetterTable')).filter((l) => l.consumer === consumer);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: 'Invalid data for "order.created"', truncated: expect.arrayContaining(['event']) });
    expect(letters[0]!.eventBytes).toBeGreaterThan(400 * 1024);
    expect(letters[0]!.event).toContain(orderId);
    expect(letters[0]!.event).toMatch(/…\[truncated\]$/);
    expect(await reservationOf(orderId)).toBeUndefined();
  });
});
