import { randomUUID } from 'node:crypto';
import { tokenFor } from '../steps/given';
import { fetchOrder, fetchSaga, http, placeOrder } from '../steps/when';
import { scanAll } from '../steps/local-aws';

const as = (customerId: string) => ({ Authorization: `Bearer ${tokenFor(customerId)}` });
const ordersOf = async (customerId: string) => (await scanAll<{ customerId: string; orderId: string }>('OrdersTable')).filter((o) => o.customerId === customerId);

describe('orders HTTP API over serverless offline', () => {
  it('answers POST /orders with 201, the PENDING order and its Location', async () => {
    // Act
    const response = await placeOrder({ customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] });

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'PENDING', customerId: 'customer-123', orderId: expect.any(String) });
    expect(response.headers.get('location')).toBe(`/orders/${response.body.orderId}`);
    const fetched = await fetchOrder(response.body.orderId);
    expect(fetched.status).toBe(200);
    expect(fetched.body.orderId).toBe(response.body.orderId);
  });

  it('takes the customer from the token: a body without customerId orders for the token’s subject', async () => {
    // Prepare
    const customerId = `e2e-token-only-${randomUUID().slice(0, 8)}`;

    // Act
    const response = await http<{ customerId: string; orderId: string }>('POST', '/orders', JSON.stringify({ items: [{ productId: 'product-1', quantity: 1 }] }), as(customerId));

    // Assess
    expect(response.status).toBe(201);
    expect(response.body.customerId).toBe(customerId);
    expect((await ordersOf(customerId)).map((o) => o.orderId)).toEqual([response.body.orderId]);
  });

  it('answers 404 with a JSON error for an unknown order and an unknown saga', async () => {
    // Act
    const order = await fetchOrder('no-such-order');
    const saga = await fetchSaga('no-such-order');

    // Assess
    expect(order.status).toBe(404);
    expect(order.body).toEqual({ error: 'NotFoundError', message: 'Order no-such-order not found' });
    expect(saga.status).toBe(404);
    expect(saga.headers.get('content-type')).toContain('application/json');
  });

  it('answers 400, not a server error, for an order id no order could have', async () => {
    // Act
    const response = await http<{ error: string; message: string }>('GET', `/orders/${'x'.repeat(3000)}`, undefined, as('customer-123'));

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'ValidationError', message: expect.stringMatching(/orderId must be/) });
  });

  const invalid: [string, string | undefined, number, RegExp][] = [
    ['malformed JSON', '{"customerId": "x", ', 400, /Malformed JSON/],
    ['an empty body', '', 400, /empty/],
    ['a wrong-typed customerId', JSON.stringify({ customerId: 42, items: [{ productId: 'p', quantity: 1 }] }), 400, /customerId must be a string/],
    ['empty items', JSON.stringify({ customerId: 'CUSTOMER', items: [] }), 400, /at least one line/],
    ['a zero quantity', JSON.stringify({ customerId: 'CUSTOMER', items: [{ productId: 'p', quantity: 0 }] }), 400, /greater than 0/],
    ['a fractional quantity', JSON.stringify({ customerId: 'CUSTOMER', items: [{ productId: 'p', quantity: 1.5 }] }), 400, /integer/],
    ['duplicate product lines', JSON.stringify({ customerId: 'CUSTOMER', items: [{ productId: 'p', quantity: 1 }, { productId: 'p', quantity: 2 }] }), 400, /duplicate line/],
    [
      'too many lines for one transaction',
      JSON.stringify({ customerId: 'CUSTOMER', items: Array.from({ length: 26 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })) }),
      400,
      /at most 25 lines/,
    ],
    ['an oversized body', JSON.stringify({ customerId: 'CUSTOMER', items: [{ productId: 'p', quantity: 1 }], pad: 'x'.repeat(20_000) }), 413, /larger than/],
  ];

  it.each(invalid)('refuses %s with a JSON error and writes nothing', async (_case, rawBody, status, message) => {
    // Prepare
    const customerId = `e2e-invalid-${randomUUID().slice(0, 8)}`;
    const body = rawBody?.replace('CUSTOMER', customerId);

    // Act
    const response = await http<{ error: string; message: string }>('POST', '/orders', body, as(customerId));

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.message).toMatch(message);
    expect(await ordersOf(customerId)).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    // Act
    const response = await http<{ error: string }>('POST', '/orders', 'customerId=x', { 'Content-Type': 'application/x-www-form-urlencoded', ...as('customer-123') });

    // Assess
    expect(response.status).toBe(415);
    expect(response.body.error).toBe('UnsupportedMediaTypeError');
  });
});
