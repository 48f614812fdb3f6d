import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { aProduct } from '../steps/given';
import { fetchOrder, invokeFunction } from '../steps/when';
import { eventually, sagaHasSteps, stockOf } from '../steps/then';
import { watchShardOf } from '../../lib/services/orders/adapters/orders-repository';
import { ddb, getItem, table } from '../steps/local-aws';

const put = (logicalId: string, item: Record<string, unknown>) => ddb().send(new PutItemCommand({ TableName: table(logicalId), Item: marshall(item) }));

describe('saga deadline', () => {
  it('cancels an order whose saga stalled past its deadline and compensates what was done', async () => {
    // Prepare: inventory reserved 3 units, then the saga stalled (nothing more will ever arrive).
    const productId = await aProduct({ stock: 7, price: 1000 });
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const past = new Date(Date.now() - 60_000).toISOString();
    const createdAt = new Date(Date.now() - 120_000).toISOString();
    await put('OrdersTable', { orderId, customerId: 'customer-123', items: [{ productId, quantity: 3 }], status: 'PENDING', sagaId, createdAt, updatedAt: createdAt, deadline: past, version: 1 });
    await put('SagaStateTable', {
      sagaId,
      orderId,
      currentStep: 'INVENTORY_RESERVED',
      steps: { created: { status: 'SUCCESS', timestamp: createdAt, eventId: randomUUID() } },
      compensationRequired: false,
      deadline: past,
      startedAt: createdAt,
      // Watched for its deadline, as createOrder leaves every saga.
      watchShard: watchShardOf(sagaId),
      watchAt: past,
      watchKind: 'RUNNING',
    });
    await put('ReservationsTable', { orderId, customerId: 'customer-123', status: 'RESERVED', items: [{ productId, quantity: 3, unitPrice: 1000 }], amount: 3000, version: 1, updatedAt: createdAt });

    // Act: the watchdog's scheduled run, now.
    const result = await invokeFunction<{ cancelled: number; failed: number }>('sagaWatchdog', {});

    // Assess: this run cancelled it, or the stack's own scheduled run (or another suite's invocation)
    // got there first and this one's commit was refused as a conflict; either way one watchdog did.
    expect(result.failed).toBe(0);
    const order = await eventually(
      async () => {
        const { body } = await fetchOrder(orderId);
        return body.status === 'CANCELLED' ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the order to be cancelled by the watchdog' },
    );
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'Saga timed out' });
    const saga = await sagaHasSteps(orderId, ['timeout', 'cancellation', 'inventoryRelease', 'paymentRefund']);
    expect(saga).toMatchObject({ currentStep: 'CANCELLED', compensationRequired: true, compensationReason: 'Saga timed out' });
    expect(saga.steps.inventoryRelease?.detail).toEqual({ items: [{ productId, quantity: 3 }] });
    expect(await stockOf(productId)).toBe(10);
    // No longer watched for its deadline; watched for its compensation until the watchdog finds it recorded.
    expect(await getItem('SagaStateTable', { sagaId })).toMatchObject({ watchKind: 'COMPENSATING' });
    const finished = await eventually(
      async () => {
        await invokeFunction('sagaWatchdog', {});
        const item = await getItem<Record<string, unknown>>('SagaStateTable', { sagaId });
        return item?.compensatedAt ? item : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000, what: 'the watchdog to confirm the compensation' },
    );
    expect(finished).not.toHaveProperty('watchShard');
    expect(finished).not.toHaveProperty('watchKind');
  });
});
