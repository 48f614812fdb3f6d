import { aCustomer, aProduct } from '../steps/given';
import { fetchSaga, placeOrder } from '../steps/when';
import { balanceOf, orderSettles, sagaHasSteps, stockOf } from '../steps/then';
import { getItem } from '../steps/local-aws';

describe('shipping, the fourth participant', () => {
  it('books a shipment to the country the order names, and only then confirms the order', async () => {
    // Prepare
    const productId = await aProduct({ stock: 10, price: 2500 });
    const customerId = await aCustomer(100_000, 'DE');

    // Act
    const { status, body } = await placeOrder({ customerId, items: [{ productId, quantity: 2 }], shipTo: { country: 'FR' } });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(status).toBe(201);
    expect(body.shipTo).toEqual({ country: 'FR' });
    expect(order).toMatchObject({ status: 'CONFIRMED', amount: 5000 });
    const saga = await sagaHasSteps(order.orderId, ['inventoryReservation', 'paymentProcessing', 'shipmentBooking', 'confirmation']);
    expect(saga.steps.shipmentBooking).toMatchObject({ status: 'SUCCESS', detail: { country: 'FR', carrier: 'demo-parcel', shipmentId: `shp-${order.orderId}` } });
    expect(Date.parse(saga.steps.confirmation!.timestamp)).toBeGreaterThanOrEqual(Date.parse(saga.steps.shipmentBooking!.timestamp));
    expect(await getItem('ShipmentsTable', { orderId: order.orderId })).toMatchObject({ status: 'SCHEDULED', country: 'FR', amount: 5000 });
  });

  it('ships to the customer’s default country when the order names none (requests without shipTo work as before)', async () => {
    // Prepare
    const productId = await aProduct({ stock: 10, price: 1000 });
    const customerId = await aCustomer(100_000, 'SE');

    // Act
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 1 }] });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(order.status).toBe('CONFIRMED');
    expect(order.shipTo).toEqual({ country: 'SE' });
    expect(await getItem('ShipmentsTable', { orderId: order.orderId })).toMatchObject({ status: 'SCHEDULED', country: 'SE' });
  });

  it('cancels an order to a country no carrier serves (AQ): payment refunded, stock released, and the saga says why', async () => {
    // Prepare
    const productId = await aProduct({ stock: 5, price: 3000 });
    const customerId = await aCustomer(100_000);

    // Act
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 1 }], shipTo: { country: 'AQ' } });
    const order = await orderSettles(body.orderId);
    const saga = await sagaHasSteps(order.orderId, ['paymentProcessing', 'shipmentBooking', 'cancellation', 'inventoryRelease', 'paymentRefund', 'shipmentCancellation']);

    // Assess
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'Shipment failed: No carrier delivers to AQ' });
    expect(saga.steps.shipmentBooking).toMatchObject({ status: 'FAILED', error: 'No carrier delivers to AQ' });
    expect(saga.steps.paymentRefund?.detail).toEqual({ amount: 3000 });
    expect(saga.steps.shipmentCancellation?.detail).toEqual({ cancelled: false });
    expect(await stockOf(productId)).toBe(5);
    expect(await balanceOf(customerId)).toBe(100_000);
    expect((await fetchSaga(order.orderId)).body).toMatchObject({ currentStep: 'CANCELLED', compensationReason: 'Shipment failed: No carrier delivers to AQ' });
  });

  it('refuses a destination that is not an ISO 3166-1 alpha-2 code, with a 400 that names the field', async () => {
    // Prepare
    const customerId = await aCustomer(100_000);

    // Act
    const { status, body } = await placeOrder({ customerId, items: [{ productId: 'product-1', quantity: 1 }], shipTo: { country: 'Germany' } });

    // Assess
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/shipTo\.country/);
  });
});
