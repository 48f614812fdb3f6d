import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ReplayResult } from '../../lib/platform/relay/replay';
import { aCustomer, anEvent, aProduct } from '../steps/given';
import { invokeFunction, invokeLocal, placeOrder, putOnBus, sleep } from '../steps/when';
import { balanceOf, eventually, orderSettles, pointsOf, stockOf } from '../steps/then';
import { POINTS_SHARDS } from '../../lib/services/rewards/domain/points';
import { pointsKey } from '../../lib/services/rewards/adapters/rewards-repository';
import { ddb, getItem, scanAll, table } from '../steps/local-aws';
import { type AnyEnvelope } from '../../lib/services/contracts';

const put = (logicalId: string, item: Record<string, unknown>) => ddb().send(new PutItemCommand({ TableName: table(logicalId), Item: marshall(item) }));
const lettersAbout = async (orderId: string) =>
  (await scanAll<{ consumer: string; reason: string; event: string }>('DeadLetterTable')).filter((l) => l.event.includes(orderId));
const remove = (logicalId: string, key: Record<string, unknown>) => ddb().send(new DeleteItemCommand({ TableName: table(logicalId), Key: marshall(key) }));

describe('replayEvents', () => {
  it('re-publishes an order’s events with their ids: applied effects do not repeat, a consumer that never saw them catches up once', async () => {
    // Prepare: a confirmed order with its points awarded.
    const productId = await aProduct({ stock: 10, price: 2000 });
    const customerId = await aCustomer(100_000);
    const order = await orderSettles((await placeOrder({ customerId, items: [{ productId, quantity: 2 }] })).body.orderId);
    await eventually(async () => ((await pointsOf(customerId)) === 40 ? true : undefined), { what: 'points awarded' });

    // Act 1: a dry run through the real CLI, `serverless invoke local`.
    const dryRun = await invokeLocal<ReplayResult>('replayEvents', { orderId: order.orderId, dryRun: true });

    // Assess 1
    expect(dryRun).toMatchObject({ dryRun: true, matched: 5, published: 0 });
    expect(dryRun.events.map((e) => e.type)).toEqual(['order.created', 'inventory.reserved', 'payment.succeeded', 'shipment.scheduled', 'order.confirmed']);

    // Act 2: replay for real, twice.
    const first = await invokeFunction<ReplayResult>('replayEvents', { orderId: order.orderId });
    await invokeFunction<ReplayResult>('replayEvents', { orderId: order.orderId });
    await sleep(3000);

    // Assess 2: nothing applied twice.
    expect(first).toMatchObject({ dryRun: false, matched: 5, published: 5, failed: 0 });
    expect(await stockOf(productId)).toBe(8);
    expect(await balanceOf(customerId)).toBe(96_000);
    expect(await pointsOf(customerId)).toBe(40);
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ status: 'CONFIRMED', version: 2 });

    // Act 3: rewards "never saw" order.confirmed (its marker and effect removed), then replay it twice.
    const confirmed = dryRun.events.find((e) => e.type === 'order.confirmed')!;
    await remove('RewardsInboxTable', { pk: `awardPoints#${confirmed.id}` });
    await remove('RewardsTable', { pk: `AWARD#${order.orderId}` });
    for (let k = 0; k < POINTS_SHARDS; k += 1) await remove('RewardsTable', { pk: pointsKey(customerId, k) });
    await invokeFunction('replayEvents', { eventId: confirmed.id });
    await invokeFunction('replayEvents', { eventId: confirmed.id });

    // Assess 3: applied exactly once.
    await eventually(() => getItem('RewardsInboxTable', { pk: `awardPoints#${confirmed.id}` }), { what: 'awardPoints to process the replay' });
    await sleep(2000);
    expect(await pointsOf(customerId)).toBe(40);
  });

  it('refuses a request without exactly one selector, with a clear error', async () => {
    // Act
    const attempt = invokeFunction('replayEvents', { dryRun: true });

    // Assess
    await expect(attempt).rejects.toThrow(/exactly one of orderId, eventId, or type/);
  });

  it('selects by type within a time window', async () => {
    // Prepare
    const customerId = await aCustomer(100_000);
    const productId = await aProduct({ stock: 10, price: 100 });
    const from = new Date(Date.now() - 1000).toISOString();
    await orderSettles((await placeOrder({ customerId, items: [{ productId, quantity: 1 }] })).body.orderId);
    const to = new Date(Date.now() + 1000).toISOString();

    // Act
    const result = await invokeFunction<ReplayResult>('replayEvents', { type: 'payment.succeeded', from, to, dryRun: true });

    // Assess
    expect(result.matched).toBeGreaterThanOrEqual(1);
    expect(new Set(result.events.map((e) => e.type))).toEqual(new Set(['payment.succeeded']));
  });
});

describe('trust boundaries on the bus', () => {
  it('delivers an event with a forged source to nobody', async () => {
    // Prepare: inventory pretending to be orders' order.created.
    const productId = await aProduct({ stock: 4, price: 100 });
    const orderId = randomUUID();
    const forged = anEvent(
      { type: 'order.created', aggregateId: orderId, sequence: 1, correlationId: randomUUID(), causationId: null, data: { orderId, customerId: 'c', items: [{ productId, quantity: 1 }], deadline: new Date().toISOString() } },
      new Date(),
    );

    // Act
    await putOnBus([forged], { source: 'saga.inventory' });
    await sleep(3000);

    // Assess
    expect(await getItem('InventoryInboxTable', { pk: `reserveStock#${forged.id}` })).toBeUndefined();
    expect(await getItem('ReservationsTable', { orderId })).toBeUndefined();
    expect((await scanAll<{ event: string }>('DeadLetterTable')).filter((l) => l.event.includes(orderId))).toEqual([]);
    expect(await stockOf(productId)).toBe(4);
  });

  it('dead-letters a payment.succeeded smuggled inside an inventory.reserved delivery: the unpaid order is not confirmed and earns no points', async () => {
    // Prepare: an order of a customer without funds, stock reserved, waiting for its payment.
    const customerId = await aCustomer(0);
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const now = new Date().toISOString();
    const deadline = new Date(Date.now() + 10 * 60_000).toISOString();
    await put('OrdersTable', { orderId, customerId, items: [{ productId: 'product-2', quantity: 2 }], status: 'PENDING', sagaId, createdAt: now, updatedAt: now, deadline, version: 1 });
    await put('SagaStateTable', { sagaId, orderId, currentStep: 'INVENTORY_RESERVED', steps: { created: { status: 'SUCCESS', timestamp: now, eventId: randomUUID() } }, compensationRequired: false, deadline, startedAt: now });
    const payment = anEvent({ type: 'payment.succeeded', aggregateId: orderId, sequence: 1, correlationId: sagaId, causationId: randomUUID(), data: { orderId, customerId, amount: 9800 } }, new Date());

    // Act: inventory's source and type on the bus, a payments envelope inside.
    await putOnBus([payment], { source: 'saga.inventory', detailType: 'inventory.reserved' });

    // Assess
    const letter = await eventually(async () => (await lettersAbout(orderId)).find((l) => l.consumer === 'advanceSaga'), { what: 'advanceSaga to dead-letter the smuggled event' });
    expect(letter.reason).toMatch(/^Provenance check failed for "payment.succeeded": bus source "saga.inventory" is not the envelope's saga.payments; bus detail-type "inventory.reserved" is not the envelope's payment.succeeded/);
    await eventually(async () => ((await lettersAbout(orderId)).some((l) => l.consumer === 'chargePayment') ? true : undefined), { what: 'chargePayment to dead-letter it too' });
    await sleep(1000);
    expect(await getItem('OrdersTable', { orderId })).toMatchObject({ status: 'PENDING', version: 1 });
    expect(await getItem('OrdersInboxTable', { pk: `advanceSaga#${payment.id}` })).toBeUndefined();
    expect(await pointsOf(customerId)).toBe(0);
    expect(await balanceOf(customerId)).toBe(0);
  });

  it('dead-letters forged order.cancelled events for a confirmed order: nothing is released, refunded or cancelled', async () => {
    // Prepare: a confirmed, charged order with its points.
    const productId = await aProduct({ stock: 10, price: 1000 });
    const customerId = await aCustomer(100_000);
    const order = await orderSettles((await placeOrder({ customerId, items: [{ productId, quantity: 2 }] })).body.orderId);
    await eventually(async () => ((await pointsOf(customerId)) === 20 ? true : undefined), { what: 'points awarded' });
    const { orderId, sagaId } = order;
    const cancel = (overrides: { aggregateId?: string } = {}) =>
      anEvent({ type: 'order.cancelled', aggregateId: orderId, sequence: 9, correlationId: sagaId, causationId: null, data: { orderId, customerId, reason: 'forged' }, ...overrides }, new Date());
    const inInventoryClothes = cancel();
    const aboutAnotherAggregate = cancel({ aggregateId: randomUUID() });
    const claimingInventory = { ...cancel(), source: 'saga.inventory' } as unknown as AnyEnvelope;

    // Act: carried as inventory's own event type; about another aggregate than its data; claiming inventory as its source.
    await putOnBus([inInventoryClothes], { source: 'saga.inventory', detailType: 'inventory.released' });
    await putOnBus([aboutAnotherAggregate], { source: 'saga.orders', detailType: 'order.cancelled' });
    await putOnBus([claimingInventory], { source: 'saga.orders', detailType: 'order.cancelled' });

    // Assess: each consumer it reached set it aside with the reason.
    const expected = ['advanceSaga', 'cancelShipment', 'cancelShipment', 'refundPayment', 'refundPayment', 'releaseStock', 'releaseStock'];
    const letters = await eventually(
      async () => {
        const found = await lettersAbout(orderId);
        return found.length >= expected.length ? found : undefined;
      },
      { what: 'seven dead letters for the forged cancellations' },
    );
    expect(letters.map((l) => l.consumer).sort()).toEqual(expected);
    expect(letters.find((l) => l.consumer === 'advanceSaga')!.reason).toMatch(/does not accept "order.cancelled"|Provenance check failed/);
    expect(letters.filter((l) => /aggregateId .* is not data.orderId/.test(l.reason)).map((l) => l.consumer).sort()).toEqual(['cancelShipment', 'refundPayment', 'releaseStock']);
    expect(letters.filter((l) => /owned by saga.orders, not saga.inventory/.test(l.reason)).map((l) => l.consumer).sort()).toEqual(['cancelShipment', 'refundPayment', 'releaseStock']);
    await sleep(1000);
    expect(await getItem('OrdersTable', { orderId })).toMatchObject({ status: 'CONFIRMED' });
    expect(await getItem('ReservationsTable', { orderId })).toMatchObject({ status: 'RESERVED' });
    expect(await getItem('PaymentsTable', { orderId })).toMatchObject({ status: 'CHARGED', amount: 2000 });
    expect(await stockOf(productId)).toBe(8);
    expect(await balanceOf(customerId)).toBe(98_000);
    expect(await pointsOf(customerId)).toBe(20);
  });
});
