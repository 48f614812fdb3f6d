import { aCustomer, aProduct } from '../steps/given';
import { placeOrder } from '../steps/when';
import { balanceOf, orderSettles, stockOf } from '../steps/then';

describe('concurrent orders for scarce stock', () => {
  it('never oversells: exactly as many orders confirm as there are units, stock ends at zero', async () => {
    // Prepare
    const units = 5;
    const productId = await aProduct({ stock: units, price: 1000 });
    const customerId = await aCustomer(1_000_000);

    // Act: 20 orders for the same product at once.
    const responses = await Promise.all(Array.from({ length: 20 }, () => placeOrder({ customerId, items: [{ productId, quantity: 1 }] })));
    const orders = await Promise.all(responses.map((r) => orderSettles(r.body.orderId, 60_000)));

    // Assess
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect(confirmed).toHaveLength(units);
    expect(cancelled).toHaveLength(20 - units);
    expect(cancelled.every((o) => /Insufficient stock/.test(o.reason ?? ''))).toBe(true);
    expect(await stockOf(productId)).toBe(0);
    expect(await balanceOf(customerId)).toBe(1_000_000 - units * 1000);
  });
});
