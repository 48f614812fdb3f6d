import { fetchSaga, placeOrder } from '../steps/when';
import { eventually } from '../steps/then';
import { getItem } from '../steps/local-aws';

describe('CDC outbox pipeline', () => {
  it('delivers order.created from the outbox stream to its EventBridge consumer', async () => {
    // Act
    const started = Date.now();
    const { body: order } = await placeOrder({ customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 1 }] });

    // Assess: the inventory consumer recorded the envelope id as processed, and the outbox row is published.
    const { body: saga } = await fetchSaga(order.orderId);
    const eventId = saga.steps.created!.eventId;
    const marker = await eventually(() => getItem('InventoryInboxTable', { pk: `reserveStock#${eventId}` }), { what: 'reserveStock to process order.created' });
    const delivered = Date.now() - started;
    expect(marker).toMatchObject({ consumer: 'reserveStock', eventId, eventType: 'order.created' });
    const row = await getItem<{ publishedAt?: number; createdAt: number; pendingShard?: string }>('OrdersOutboxTable', { id: eventId });
    expect(row?.pendingShard).toBeUndefined();
    expect(row!.publishedAt! - row!.createdAt).toBeGreaterThanOrEqual(0);
    console.log(`POST → order.created processed by reserveStock: ${delivered} ms; commit → PutEvents accepted: ${row!.publishedAt! - row!.createdAt} ms`);
  });
});
