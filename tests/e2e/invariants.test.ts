import { aCustomer, aProduct } from '../steps/given';
import { invokeFunction, placeOrder, sleep } from '../steps/when';
import { balanceOf, orderSettles, pointsOf, sagaHasSteps, stockOf, violationsOf } from '../steps/then';
import { getItem } from '../steps/local-aws';

/**
 * The design's invariants, checked together on a mixed load: scarce stock, a customer who can
 * afford only one order, every event delivered once more afterwards (replay), and compensation
 * left to settle. Whatever interleaving happened, the books must balance.
 */
describe('saga invariants under a mixed concurrent load with duplicates', () => {
  it('ends every order CONFIRMED or CANCELLED, and stock, money and points balance exactly', async () => {
    // Prepare
    const price = 1000;
    const initialStock = 8;
    const productId = await aProduct({ stock: initialStock, price });
    const rich = await aCustomer(100_000);
    const poor = await aCustomer(1_500);
    const customers = Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? poor : rich));

    // Act: 16 concurrent orders of one unit, then every event of every order delivered again.
    const responses = await Promise.all(customers.map((customerId) => placeOrder({ customerId, items: [{ productId, quantity: 1 }] })));
    const orders = await Promise.all(responses.map((r) => orderSettles(r.body.orderId, 90_000)));
    await Promise.all(orders.filter((o) => o.status === 'CANCELLED').map((o) => sagaHasSteps(o.orderId, ['inventoryRelease', 'paymentRefund'], 90_000)));
    for (const order of orders) await invokeFunction('replayEvents', { orderId: order.orderId });
    await sleep(4000);

    // Assess: 1. every order reached a final state.
    expect(orders.every((o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED')).toBe(true);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const confirmedBy = (customerId: string) => confirmed.filter((o) => o.customerId === customerId).length;
    // 2. confirmed orders reserved and charged exactly once; cancelled ones net to zero.
    expect(confirmed.length).toBeLessThanOrEqual(initialStock);
    expect(await stockOf(productId)).toBe(initialStock - confirmed.length);
    expect(await balanceOf(rich)).toBe(100_000 - price * confirmedBy(rich));
    expect(await balanceOf(poor)).toBe(1_500 - price * confirmedBy(poor));
    // 3. nothing went negative, and the poor customer could afford at most one order.
    expect(await stockOf(productId)).toBeGreaterThanOrEqual(0);
    expect(confirmedBy(poor)).toBeLessThanOrEqual(1);
    // 4. effects applied once per consumer: points match the confirmed amounts exactly.
    expect(await pointsOf(rich)).toBe((price / 100) * confirmedBy(rich));
    expect(await pointsOf(poor)).toBe((price / 100) * confirmedBy(poor));
    for (const order of orders.filter((o) => o.status === 'CANCELLED')) {
      const reservation = await getItem<{ status: string }>('ReservationsTable', { orderId: order.orderId });
      const payment = await getItem<{ status: string }>('PaymentsTable', { orderId: order.orderId });
      expect(['RELEASED', 'CANCELLED']).toContain(reservation?.status);
      expect(['REFUNDED', 'CANCELLED']).toContain(payment?.status);
    }
    // 5. the checker of `npm run verify` agrees: no violation among these orders.
    const violations = await violationsOf({
      orderIds: orders.map((o) => o.orderId),
      baseline: { stock: { [productId]: initialStock }, balance: { [rich]: 100_000, [poor]: 1_500 } },
    });
    expect(violations).toEqual([]);
  }, 240_000);
});
