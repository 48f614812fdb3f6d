import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { OrdersRepository } from '../../lib/adapters/dynamodb/orders-repository';
import { TransactionWriter } from '../../lib/adapters/dynamodb/transaction';
import { placeOrder } from '../../lib/domain/orders/order';
import { placeOrderUseCase } from '../../lib/use-cases/orders/place-order';
import { systemClock } from '../../lib/use-cases/ports';
import { ValidationError } from '../../lib/domain/errors';
import { ddb, getItem, queryIndex, table } from '../steps/local-aws';

const orders = () => new OrdersRepository(ddb(), { orders: table('OrdersTable'), sagas: table('SagaStateTable') });
const tx = () => new TransactionWriter(ddb(), { outboxTable: table('OrdersOutboxTable') });
const anOrder = { customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] };

describe('placing an order (one TransactWriteItems)', () => {
  it('writes the order, its saga state and the order.created outbox record together', async () => {
    // Act
    const order = await placeOrderUseCase(anOrder, { orders: orders(), tx: tx(), sagaTimeoutSeconds: 60, clock: systemClock });

    // Assess
    expect(await getItem('OrdersTable', { orderId: order.orderId })).toMatchObject({ status: 'PENDING', customerId: 'customer-123' });
    const [saga] = await queryIndex('SagaStateTable', 'OrderIdIndex', 'orderId', order.orderId);
    expect(saga).toMatchObject({ sagaId: order.sagaId, currentStep: 'CREATED', steps: { created: { status: 'SUCCESS' } } });
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
    // Act
    const attempt = placeOrderUseCase({ customerId: 'customer-nothing-written', items: [] }, { orders: orders(), tx: tx(), sagaTimeoutSeconds: 60, clock: systemClock });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });
});
