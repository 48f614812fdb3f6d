import { startTestStack, type TestStack } from '../steps/stack';
import { fetchSaga, placeOrder } from '../steps/when';
import { eventually, orderSettles } from '../steps/then';
import { getItem } from '../steps/local-aws';

/**
 * A second stack with every outbox stream trigger disabled: the forwarders "crashed" after each
 * commit, so only the sweeper can move events. It sweeps every 5 s here (30 s on AWS).
 */
describe('sweeper fallback (stream forwarders disabled)', () => {
  let stack: TestStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    stack = await startTestStack({
      stage: 'e2esweep',
      portBase: Number(process.env.E2E_SWEEP_PORT_BASE ?? 3300),
      params: { outboxStreams: 'false', sweepGraceSeconds: '2', sweepIntervalSeconds: '5', sweepsPerRun: '11' },
    });
    Object.assign(process.env, stack.env);
  }, 180_000);
  afterAll(async () => {
    process.env = saved;
    await stack?.stop();
  });

  it('Scenario 3: with no forwarding at all, the sweeper delivers order.created and the saga still finishes', async () => {
    // Act
    const { status, body } = await placeOrder({ customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 1 }] });

    // Assess: order.created reaches inventory through the sweeper alone...
    expect(status).toBe(201);
    const eventId = (await fetchSaga(body.orderId)).body.steps.created!.eventId;
    await eventually(() => getItem('InventoryInboxTable', { pk: `reserveStock#${eventId}` }), { timeoutMs: 120_000, intervalMs: 500, what: 'the sweeper to deliver order.created' });
    expect(await getItem('OrdersOutboxTable', { id: eventId })).toMatchObject({ publishedAt: expect.any(Number) });
    // ...and every later hop too.
    const order = await orderSettles(body.orderId, 120_000);
    expect(order.status).toBe('CONFIRMED');
  }, 300_000);
});
