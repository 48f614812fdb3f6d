import { randomUUID } from 'node:crypto';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ReplayResult } from '../../lib/relay/replay';
import { aCustomer, anEvent, aProduct } from '../steps/given';
import { invokeFunction, invokeLocal, placeOrder, putOnBus, sleep } from '../steps/when';
import { balanceOf, eventually, orderSettles, pointsOf, stockOf } from '../steps/then';
import { ddb, getItem, scanAll, table } from '../steps/local-aws';

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
    expect(dryRun).toMatchObject({ dryRun: true, matched: 4, published: 0 });
    expect(dryRun.events.map((e) => e.type)).toEqual(['order.created', 'inventory.reserved', 'payment.succeeded', 'order.confirmed']);

    // Act 2: replay for real, twice.
    const first = await invokeFunction<ReplayResult>('replayEvents', { orderId: order.orderId });
    await invokeFunction<ReplayResult>('replayEvents', { orderId: order.orderId });
    await sleep(3000);

    // Assess 2: nothing applied twice.
    expect(first).toMatchObject({ dryRun: false, matched: 4, published: 4, failed: 0 });
    expect(await stockOf(productId)).toBe(8);
    expect(await balanceOf(customerId)).toBe(96_000);
    expect(await pointsOf(customerId)).toBe(40);
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ status: 'CONFIRMED', version: 2 });

    // Act 3: rewards "never saw" order.confirmed (its marker and effect removed), then replay it twice.
    const confirmed = dryRun.events.find((e) => e.type === 'order.confirmed')!;
    await remove('RewardsInboxTable', { pk: `awardPoints#${confirmed.id}` });
    await remove('RewardsTable', { pk: `AWARD#${order.orderId}` });
    await remove('RewardsTable', { pk: `CUSTOMER#${customerId}` });
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
});
