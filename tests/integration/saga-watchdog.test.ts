/**
 * The watchdog against real DynamoDB Local: more overdue sagas than one page of every shard, one
 * of which fails (DynamoDB Local cannot fail one read on demand, so that one read is wrapped).
 */
import { InboxReader } from '../../lib/platform/adapters/dynamodb/inbox-reader';
import { OrdersRepository, SAGA_WATCH_SHARDS } from '../../lib/services/orders/adapters/orders-repository';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { placeOrder } from '../../lib/services/orders/domain/order';
import { watchSagas } from '../../lib/platform/saga/watch-sagas';
import type { EventRepublisher } from '../../lib/platform/ports';
import { ddb, getItem, table } from '../steps/local-aws';
import { type OrdersStore } from '../../lib/services/orders/ports';
import { topology } from '../../lib/services/saga';
import { timeOutOrder } from '../../lib/services/orders/use-cases/time-out-order';

/** What the declaration and the keeper give the watchdog: the topology and the deadline rule. */
const watchRules = (orders: Parameters<typeof timeOutOrder>[0]['orders']) => ({ topology, timeOut: timeOutOrder({ orders, tx: tx() }) });

const repository = () => new OrdersRepository(ddb(), { orders: table('OrdersTable'), sagas: table('SagaStateTable') }, { redriveCheckDelayMs: 60_000 });
const tx = () => new TransactionWriter(ddb(), { outboxTable: table('OrdersOutboxTable') });
const republisher: EventRepublisher = { republish: async () => 'published' };
const processed = () => new InboxReader(ddb(), () => table('RewardsInboxTable'));

describe('saga watchdog on DynamoDB Local', () => {
  it('pages through every overdue saga (130, beyond the old cap of 100) and carries on past one that fails', async () => {
    // Prepare: 130 orders placed 10 minutes ago with a 5-minute deadline; nothing happened since.
    const placedAt = new Date(Date.now() - 600_000);
    const placed = Array.from({ length: 130 }, () => placeOrder({ customerId: 'customer-watch', items: [{ productId: 'product-1', quantity: 1 }] }, { now: placedAt, sagaTimeoutSeconds: 300 }));
    const orders = repository();
    for (let i = 0; i < placed.length; i += 10) {
      await Promise.all(placed.slice(i, i + 10).map(({ result, events }) => tx().commit({ writes: orders.createWrites(result.order, result.saga), events })));
    }
    const broken = placed[17]!.result.order.orderId;
    const failing: OrdersStore = Object.assign(Object.create(orders) as OrdersRepository, {
      getOrder: async (orderId: string) => {
        if (orderId === broken) throw new Error('injected read failure');
        return orders.getOrder(orderId);
      },
    });
    const now = new Date();

    // Act
    const result = await watchSagas({ ...watchRules(failing), keeper: failing, tx: tx(), clock: () => now, republisher, processed: processed(), redrive: { delayMs: 60_000, maxDelayMs: 3_600_000 } });

    // Assess: every other saga cancelled; the failing one skipped, still watched for its deadline, handled next run.
    expect(result).toMatchObject({ failed: 1, complete: true });
    expect(result.cancelled).toBeGreaterThanOrEqual(129);
    for (const { result: { order } } of placed) {
      const stored = await getItem<{ status: string }>('OrdersTable', { orderId: order.orderId });
      expect(stored?.status).toBe(order.orderId === broken ? 'PENDING' : 'CANCELLED');
    }
    const skipped = await getItem<{ watchKind?: string }>('SagaStateTable', { sagaId: placed[17]!.result.saga.sagaId });
    expect(skipped?.watchKind).toBe('RUNNING');
    const cancelledSaga = await getItem<{ watchKind?: string; watchShard?: string }>('SagaStateTable', { sagaId: placed[0]!.result.saga.sagaId });
    expect(cancelledSaga).toMatchObject({ watchKind: 'COMPENSATING', watchShard: expect.stringMatching(new RegExp(`^w\\d+$`)) });
    expect(Number(cancelledSaga!.watchShard!.slice(1))).toBeLessThan(SAGA_WATCH_SHARDS);

    // Act: the next run, with the read working again.
    const next = await watchSagas({ ...watchRules(orders), keeper: orders, tx: tx(), clock: () => now, republisher, processed: processed(), redrive: { delayMs: 60_000, maxDelayMs: 3_600_000 } });

    // Assess
    expect(next).toMatchObject({ cancelled: 1, failed: 0 });
    expect((await getItem<{ status: string }>('OrdersTable', { orderId: broken }))?.status).toBe('CANCELLED');
  });

  it('stops taking pages when the run is about to time out, and says it is incomplete', async () => {
    // Act
    const result = await watchSagas(
      { ...watchRules(repository()), keeper: repository(), tx: tx(), clock: () => new Date(), republisher, processed: processed(), redrive: { delayMs: 60_000, maxDelayMs: 3_600_000 } },
      { remainingMs: () => 1_000 },
    );

    // Assess
    expect(result).toEqual({ cancelled: 0, redriven: 0, compensated: 0, delivered: 0, failed: 0, complete: false });
  });

  it('lets a cancelled saga leave the watch only once every declared compensation step is recorded', async () => {
    // Prepare: a cancelled saga with two of its three compensation steps.
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    const { result } = placeOrder({ customerId: 'customer-watch', items: [{ productId: 'product-1', quantity: 1 }] }, { now: new Date(), sagaTimeoutSeconds: 300 });
    const step = { status: 'SUCCESS', timestamp: new Date().toISOString(), eventId: 'x' };
    const steps = { ...result.saga.steps, cancellation: step, inventoryRelease: step, paymentRefund: step };
    await ddb().send(new PutItemCommand({ TableName: table('SagaStateTable'), Item: marshall({ ...result.saga, currentStep: 'CANCELLED', steps, watchKind: 'COMPENSATING', watchShard: 'w1', watchAt: new Date().toISOString() }) }));
    const orders = repository();

    // Act / Assess: refused while shipmentCancellation is missing...
    await expect(tx().commit({ writes: [orders.confirmCompensation(result.saga.sagaId, new Date())], events: [] })).rejects.toThrow(/not recorded/);

    // ...accepted once it is there.
    await ddb().send(new PutItemCommand({ TableName: table('SagaStateTable'), Item: marshall({ ...result.saga, currentStep: 'CANCELLED', steps: { ...steps, shipmentCancellation: step }, watchKind: 'COMPENSATING', watchShard: 'w1', watchAt: new Date().toISOString() }) }));
    await tx().commit({ writes: [orders.confirmCompensation(result.saga.sagaId, new Date())], events: [] });
    expect(await getItem<{ compensatedAt?: string }>('SagaStateTable', { sagaId: result.saga.sagaId })).toMatchObject({ compensatedAt: expect.any(String) });
  });
});
