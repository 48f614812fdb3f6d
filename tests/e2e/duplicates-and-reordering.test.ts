import { randomUUID } from 'node:crypto';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { aCustomer, anEvent, aProduct } from '../steps/given';
import { invokeFunction, placeOrder, putOnBus, sleep } from '../steps/when';
import { balanceOf, eventually, orderSettles, pointsOf, sagaHasSteps, stockOf } from '../steps/then';
import { ddb, getItem, queryIndex, scanAll, table } from '../steps/local-aws';
import { type AnyEnvelope } from '../../lib/services/contracts';

const OUTBOXES = ['OrdersOutboxTable', 'InventoryOutboxTable', 'PaymentsOutboxTable'];

/** Every event the saga of an order wrote to any outbox, as stored (same envelope ids). */
const eventsOf = async (orderId: string): Promise<AnyEnvelope[]> => {
  const rows = (await Promise.all(OUTBOXES.map((t) => queryIndex<{ payload: string }>(t, 'AggregateIndex', 'aggregateId', orderId)))).flat();
  return rows.map((r) => JSON.parse(r.payload) as AnyEnvelope);
};

const markerCount = async () =>
  (await Promise.all(['OrdersInboxTable', 'InventoryInboxTable', 'PaymentsInboxTable', 'RewardsInboxTable'].map((t) => scanAll(t)))).flat().length;

describe('duplicates, reordering and poison events', () => {
  it('Scenario 4: every event delivered again, twice, and re-published by the sweeper, changes nothing', async () => {
    // Prepare: one confirmed order and one compensated order, so every event type exists.
    const productId = await aProduct({ stock: 10, price: 1000 });
    const rich = await aCustomer(100_000);
    const broke = await aCustomer(0);
    const outOfStock = await aProduct({ stock: 0, price: 1000 });
    const confirmed = await orderSettles((await placeOrder({ customerId: rich, items: [{ productId, quantity: 3 }] })).body.orderId);
    const compensated = await orderSettles((await placeOrder({ customerId: broke, items: [{ productId, quantity: 1 }] })).body.orderId);
    const refused = await orderSettles((await placeOrder({ customerId: rich, items: [{ productId: outOfStock, quantity: 1 }] })).body.orderId);
    await sagaHasSteps(compensated.orderId, ['inventoryRelease', 'paymentRefund']);
    await sagaHasSteps(refused.orderId, ['inventoryRelease', 'paymentRefund']);
    await eventually(async () => ((await pointsOf(rich)) > 0 ? true : undefined), { what: 'points awarded' });
    const events = [...(await eventsOf(confirmed.orderId)), ...(await eventsOf(compensated.orderId)), ...(await eventsOf(refused.orderId))];
    const before = { stock: await stockOf(productId), balance: await balanceOf(rich), points: await pointsOf(rich), markers: await markerCount() };

    // Act: deliver every stored event twice more, then make the sweeper re-publish one outbox row.
    await putOnBus(events);
    await putOnBus(events);
    const created = events.find((e) => e.type === 'order.created' && e.aggregateId === confirmed.orderId)!;
    await ddb().send(
      new UpdateItemCommand({
        TableName: table('OrdersOutboxTable'),
        Key: marshall({ id: created.id }),
        UpdateExpression: 'SET pendingShard = :s, createdAt = :old',
        ExpressionAttributeValues: marshall({ ':s': 'p0', ':old': Date.now() - 60_000 }),
      }),
    );
    const sweep = await invokeFunction<{ sweeps: { recovered: number }[] }>('ordersOutboxSweeper', { sweeps: 1 });
    await sleep(4000);

    // Assess
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'order.created',
        'inventory.reserved',
        'payment.succeeded',
        'order.confirmed',
        'payment.failed',
        'order.cancelled',
        'inventory.released',
        'payment.refunded',
        'inventory.reservation.failed',
      ]),
    );
    expect(sweep.sweeps[0]!.recovered).toBeGreaterThanOrEqual(1);
    expect(await stockOf(productId)).toBe(before.stock);
    expect(await stockOf(productId)).toBe(7);
    expect(await balanceOf(rich)).toBe(before.balance);
    expect(await balanceOf(rich)).toBe(97_000);
    expect(await balanceOf(broke)).toBe(0);
    expect(await pointsOf(rich)).toBe(before.points);
    expect(await pointsOf(rich)).toBe(30);
    expect(await markerCount()).toBeGreaterThanOrEqual(before.markers);
    expect((await fetchStatus(confirmed.orderId))).toBe('CONFIRMED');
    expect((await fetchStatus(compensated.orderId))).toBe('CANCELLED');
  });

  it('order.cancelled delivered before the work it cancels: no reservation and no charge ever happen', async () => {
    // Prepare: an order the participants have never heard of.
    const productId = await aProduct({ stock: 4, price: 1500 });
    const customerId = await aCustomer(50_000);
    const orderId = randomUUID();
    const correlationId = randomUUID();
    const created = anEvent({ type: 'order.created', aggregateId: orderId, sequence: 1, correlationId, causationId: null, data: { orderId, customerId, items: [{ productId, quantity: 2 }], deadline: new Date(Date.now() + 60_000).toISOString() } }, new Date());
    const cancelled = anEvent({ type: 'order.cancelled', aggregateId: orderId, sequence: 2, correlationId, causationId: null, data: { orderId, customerId, reason: 'Saga timed out' } }, new Date());
    const reserved = anEvent({ type: 'inventory.reserved', aggregateId: orderId, sequence: 1, correlationId, causationId: created.id, data: { orderId, customerId, items: [{ productId, quantity: 2, unitPrice: 1500 }], amount: 3000 } }, new Date());

    // Act: the cancellation first, then the late work.
    await putOnBus([cancelled]);
    await eventually(async () => ((await getItem('ReservationsTable', { orderId })) && (await getItem('PaymentsTable', { orderId })) ? true : undefined), { what: 'tombstones' });
    await putOnBus([created, reserved]);
    await eventually(() => getItem('InventoryInboxTable', { pk: `reserveStock#${created.id}` }), { what: 'reserveStock to see the late order.created' });
    await eventually(() => getItem('PaymentsInboxTable', { pk: `chargePayment#${reserved.id}` }), { what: 'chargePayment to see the late inventory.reserved' });

    // Assess
    expect(await getItem('ReservationsTable', { orderId })).toMatchObject({ status: 'CANCELLED', items: [] });
    expect(await getItem('PaymentsTable', { orderId })).toMatchObject({ status: 'CANCELLED', amount: 0 });
    expect(await stockOf(productId)).toBe(4);
    expect(await balanceOf(customerId)).toBe(50_000);
  });

  it('sets a poison event aside in the dead-letter table with the reason, and applies nothing', async () => {
    // Prepare: the right source and type, but data that breaks the contract.
    const productId = await aProduct({ stock: 4, price: 1500 });
    const orderId = randomUUID();
    const poison = { ...anEvent({ type: 'order.created', aggregateId: orderId, sequence: 1, correlationId: randomUUID(), causationId: null, data: { orderId, customerId: 'c', items: [{ productId, quantity: 1 }], deadline: new Date().toISOString() } }, new Date()) };
    (poison.data.items[0] as { quantity: number }).quantity = -5;

    // Act
    await putOnBus([poison as AnyEnvelope]);

    // Assess
    // Every consumer of order.created sets it aside: reserveStock and scheduleShipment.
    const letters = await eventually(
      async () => {
        const found = (await scanAll<{ consumer: string; reason: string; event: string }>('DeadLetterTable')).filter((l) => l.event.includes(orderId));
        return found.length >= 2 ? found : undefined;
      },
      { what: 'the dead letters for the poison event' },
    );
    expect(letters.map((l) => l.consumer).sort()).toEqual(['reserveStock', 'scheduleShipment']);
    for (const letter of letters) expect(letter.reason).toBe('Invalid data for "order.created"');
    expect(await getItem('ShipmentsTable', { orderId })).toBeUndefined();
    expect(await getItem('ReservationsTable', { orderId })).toBeUndefined();
    expect(await stockOf(productId)).toBe(4);
  });
});

const fetchStatus = async (orderId: string) => (await getItem<{ status: string }>('OrdersTable', { orderId }))?.status;
