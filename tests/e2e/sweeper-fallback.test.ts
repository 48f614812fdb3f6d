import { startTestStack, type TestStack } from '../steps/stack';
import { fetchSaga, placeOrder } from '../steps/when';
import { eventually, orderSettles } from '../steps/then';
import { getItem } from '../steps/local-aws';

/**
 * A second stack with every outbox stream trigger disabled: the forwarders "crashed" after each
 * commit, so only the sweeper can move events. Everything else runs on the settings that deploy
 * (stage defaults: grace 10 s, a sweep every 15 s, 4 per scheduled run, a 300 s saga deadline);
 * `outboxStreams=false` is the only override. The worst case per hop is proven on the same
 * settings with a simulated clock in tests/integration/sweeper-timing.test.ts.
 */
describe('sweeper fallback (stream forwarders disabled)', () => {
  let stack: TestStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    stack = await startTestStack({
      stage: 'e2esweep',
      portBase: Number(process.env.E2E_SWEEP_PORT_BASE ?? 3300),
      params: { outboxStreams: 'false' },
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
    // ...and every later hop too, well within the saga's deadline (it is not the watchdog that ended it).
    const order = await orderSettles(body.orderId, 240_000);
    expect(order.status).toBe('CONFIRMED');
    expect(Date.parse(order.updatedAt)).toBeLessThan(Date.parse(order.deadline));
    const saga = (await fetchSaga(body.orderId)).body;
    expect(saga.steps).not.toHaveProperty('timeout');
  }, 300_000);
});
