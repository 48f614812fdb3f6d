import { aCustomer, aProduct } from '../steps/given';
import { placeOrder } from '../steps/when';
import { balanceOf, orderSettles, pointsOf, sagaHasSteps, stockOf } from '../steps/then';
import { getItem } from '../steps/local-aws';

describe('the order saga end to end', () => {
  it('Scenario 1, happy path: CONFIRMED, stock reserved, account charged, points awarded once', async () => {
    // Prepare
    const productId = await aProduct({ stock: 10, price: 2500 });
    const customerId = await aCustomer(100_000);

    // Act
    const { status, body } = await placeOrder({ customerId, items: [{ productId, quantity: 2 }] });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(status).toBe(201);
    expect(order).toMatchObject({ status: 'CONFIRMED', amount: 5000 });
    expect(await stockOf(productId)).toBe(8);
    expect(await balanceOf(customerId)).toBe(95_000);
    const saga = await sagaHasSteps(order.orderId, ['created', 'inventoryReservation', 'paymentProcessing', 'confirmation']);
    expect(saga).toMatchObject({ currentStep: 'CONFIRMED', compensationRequired: false });
    const points = await (async () => {
      for (let i = 0; i < 100 && (await pointsOf(customerId)) === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
      return pointsOf(customerId);
    })();
    expect(points).toBe(50);
  });

  it('Scenario 2, inventory failure: CANCELLED with an insufficient-stock reason; nothing reserved or charged', async () => {
    // Prepare
    const productId = await aProduct({ stock: 0, price: 1000 });
    const customerId = await aCustomer(100_000);

    // Act
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 1 }] });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(order.status).toBe('CANCELLED');
    expect(order.reason).toMatch(/^Inventory reservation failed: Insufficient stock/);
    const saga = await sagaHasSteps(order.orderId, ['inventoryReservation', 'cancellation', 'inventoryRelease', 'paymentRefund']);
    expect(saga.steps.inventoryReservation).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/Insufficient stock/) });
    expect(saga.steps.paymentRefund?.detail).toEqual({ amount: 0 });
    expect(await stockOf(productId)).toBe(0);
    expect(await balanceOf(customerId)).toBe(100_000);
    expect(await getItem('PaymentsTable', { orderId: order.orderId })).toMatchObject({ status: 'CANCELLED', amount: 0 });
  });

  it('payment failure: CANCELLED, the reserved stock released again, compensation in the saga', async () => {
    // Prepare
    const productId = await aProduct({ stock: 5, price: 4900 });
    const customerId = await aCustomer(0);

    // Act
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 2 }] });
    const order = await orderSettles(body.orderId);
    const saga = await sagaHasSteps(order.orderId, ['inventoryReservation', 'paymentProcessing', 'cancellation', 'inventoryRelease', 'paymentRefund']);

    // Assess
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'Payment failed: Insufficient funds' });
    expect(saga).toMatchObject({ currentStep: 'CANCELLED', compensationRequired: true, compensationReason: 'Payment failed: Insufficient funds' });
    expect(saga.steps.inventoryReservation?.status).toBe('SUCCESS');
    expect(saga.steps.paymentProcessing).toMatchObject({ status: 'FAILED', error: 'Insufficient funds' });
    expect(saga.steps.inventoryRelease?.detail).toEqual({ items: [{ productId, quantity: 2 }] });
    expect(await stockOf(productId)).toBe(5);
    expect(await balanceOf(customerId)).toBe(0);
    expect(await getItem('ReservationsTable', { orderId: order.orderId })).toMatchObject({ status: 'RELEASED' });
  });

  it('unknown product: CANCELLED with a reason naming it', async () => {
    // Act
    const { body } = await placeOrder({ customerId: 'customer-123', items: [{ productId: 'no-such-product', quantity: 1 }] });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'Inventory reservation failed: Unknown product: no-such-product' });
  });
});
