import { randomUUID } from 'node:crypto';
import type { Order } from '../../lib/services/orders/domain/order';
import { aCustomer, aProduct, aProxyThatLosesEveryAnswer, tokenFor } from '../steps/given';
import { fetchOrder, fetchSaga, http, placeOrder } from '../steps/when';
import { balanceOf, orderSettles, stockOf } from '../steps/then';
import { scanAll } from '../steps/local-aws';

type ErrorBody = { error?: string; message: string };
const ordersOf = async (customerId: string) => (await scanAll<{ customerId: string; orderId: string }>('OrdersTable')).filter((o) => o.customerId === customerId);
const aCustomerId = () => `e2e-auth-${randomUUID().slice(0, 8)}`;
const items = [{ productId: 'product-1', quantity: 1 }];

describe('authentication: every route needs a customer’s token', () => {
  const routes: [string, string, string | undefined][] = [
    ['POST', '/orders', JSON.stringify({ items })],
    ['GET', '/orders/some-order', undefined],
    ['GET', '/orders/some-order/saga', undefined],
  ];
  const badTokens: [string, () => Record<string, string>][] = [
    ['no token', () => ({})],
    ['a malformed token', () => ({ Authorization: 'Bearer not-a-jwt' })],
    ['an expired token', () => ({ Authorization: `Bearer ${tokenFor('customer-123', { expiresInSeconds: -60 })}` })],
    ['a token for another audience', () => ({ Authorization: `Bearer ${tokenFor('customer-123', { claims: { aud: 'some-other-app' } })}` })],
    ['a token from another issuer', () => ({ Authorization: `Bearer ${tokenFor('customer-123', { claims: { iss: 'https://issuer.example.com' } })}` })],
  ];
  const cases = routes.flatMap(([method, path, body]) => badTokens.map(([name, headers]) => [`${method} ${path}`, name, method, path, body, headers] as const));

  it.each(cases)('%s with %s: 401 with a JSON body, nothing written', async (_route, _name, method, path, body, headers) => {
    // Prepare
    const before = (await scanAll('OrdersTable')).length;

    // Act
    const response = await http<ErrorBody>(method, path, body, headers());

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.message).toEqual(expect.any(String));
    expect((await scanAll('OrdersTable')).length).toBe(before);
  });

  it('refuses with 403 and a JSON error an order whose body names another customer, and charges nobody', async () => {
    // Prepare: customer A's token, customer B (no funds) in the body, as the forged request did.
    const customerA = aCustomerId();
    const customerB = await aCustomer(0);

    // Act
    const response = await http<ErrorBody>('POST', '/orders', JSON.stringify({ customerId: customerB, items }), { Authorization: `Bearer ${tokenFor(customerA)}` });

    // Assess
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: 'ForbiddenError', message: expect.stringMatching(/authenticated customer/) });
    expect(await ordersOf(customerA)).toEqual([]);
    expect(await ordersOf(customerB)).toEqual([]);
  });

  it('answers 404 for another customer’s order and saga, exactly as for an order that does not exist', async () => {
    // Prepare
    const owner = await aCustomer(100_000);
    const { body: order } = await placeOrder({ customerId: owner, items });
    const stranger = aCustomerId();

    // Act
    const theirOrder = await fetchOrder(order.orderId, stranger);
    const theirSaga = await fetchSaga(order.orderId, stranger);
    const noOrder = await fetchOrder('no-such-order', stranger);
    const ownOrder = await fetchOrder(order.orderId, owner);

    // Assess
    expect(theirOrder.status).toBe(404);
    expect(theirOrder.body).toEqual({ error: 'NotFoundError', message: `Order ${order.orderId} not found` });
    expect(theirSaga.status).toBe(404);
    expect(theirSaga.body).toEqual({ error: 'NotFoundError', message: `Order ${order.orderId} not found` });
    expect(noOrder.body).toEqual({ error: 'NotFoundError', message: 'Order no-such-order not found' });
    expect(ownOrder.status).toBe(200);
  });

  it('charges the token’s customer, whatever else the request says', async () => {
    // Prepare
    const productId = await aProduct({ stock: 5, price: 700 });
    const customerId = await aCustomer(10_000);

    // Act
    const { status, body } = await placeOrder({ customerId, items: [{ productId, quantity: 2 }] });
    const order = await orderSettles(body.orderId);

    // Assess
    expect(status).toBe(201);
    expect(order).toMatchObject({ customerId, status: 'CONFIRMED', amount: 1400 });
    expect(await balanceOf(customerId)).toBe(8600);
  });
});

describe('Idempotency-Key on POST /orders', () => {
  it('answers a retry with the same key and body with the same order, marked as a replay, and creates nothing', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const first = await placeOrder({ customerId, items }, { idempotencyKey: key });

    // Act
    const retry = await placeOrder({ customerId, items }, { idempotencyKey: key });

    // Assess
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/orders/${first.body.orderId}`);
    expect((await ordersOf(customerId)).map((o) => o.orderId)).toEqual([first.body.orderId]);
  });

  it('refuses the same key with a different body with 422 and a JSON error, and creates nothing', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();
    const first = await placeOrder({ customerId, items }, { idempotencyKey: key });

    // Act
    const other = await placeOrder({ customerId, items: [{ productId: 'product-1', quantity: 2 }] }, { idempotencyKey: key });

    // Assess
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: 'IdempotencyKeyReusedError', message: expect.stringMatching(/different request/) });
    expect((await ordersOf(customerId)).map((o) => o.orderId)).toEqual([first.body.orderId]);
  });

  it.each([
    ['an empty key', ''],
    ['a key with spaces', 'two words'],
    ['a key longer than 255 characters', 'k'.repeat(256)],
  ])('refuses %s with 400 and creates nothing', async (_name, key) => {
    // Prepare
    const customerId = aCustomerId();

    // Act
    const response = await placeOrder({ customerId, items }, { idempotencyKey: key });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body as unknown as ErrorBody).toMatchObject({ error: 'ValidationError', message: expect.stringMatching(/Idempotency-Key/) });
    expect(await ordersOf(customerId)).toEqual([]);
  });

  it('creates exactly one order for 10 concurrent requests with one key; every one answers it, none with a 5xx', async () => {
    // Prepare
    const customerId = aCustomerId();
    const key = randomUUID();

    // Act
    const responses = await Promise.all(Array.from({ length: 10 }, () => placeOrder({ customerId, items }, { idempotencyKey: key })));

    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const stored = await ordersOf(customerId);
    expect(stored).toHaveLength(1);
    expect(new Set(responses.map((r) => r.body.orderId))).toEqual(new Set([stored[0]!.orderId]));
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
  });

  it('a retry after the answer was lost returns the order the first attempt committed, which is charged once', async () => {
    // Prepare: the first attempt goes through a proxy that drops every answer after the API gave it.
    const productId = await aProduct({ stock: 5, price: 1200 });
    const customerId = await aCustomer(10_000);
    const key = randomUUID();
    const lossy = await aProxyThatLosesEveryAnswer(process.env.BASE_URL!);

    // Act 1: the client hears nothing back...
    const lost = await placeOrder({ customerId, items: [{ productId, quantity: 1 }] }, { idempotencyKey: key, via: lossy.url }).then(
      (response) => `answered ${response.status}`,
      (error: Error) => error.message,
    );
    await lossy.close();
    const committed = await ordersOf(customerId);

    // Act 2: ...so it retries, as clients do, with the same key.
    const retry = await placeOrder({ customerId, items: [{ productId, quantity: 1 }] }, { idempotencyKey: key });
    const order = await orderSettles(retry.body.orderId);

    // Assess: the first attempt had committed (the API answered 201 into the void); the retry is that order.
    expect(lost).toBe('fetch failed');
    expect(lossy.answered).toEqual([201]);
    expect(committed).toHaveLength(1);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.orderId).toBe(committed[0]!.orderId);
    expect(order).toMatchObject({ status: 'CONFIRMED', amount: 1200 } satisfies Partial<Order>);
    expect(await ordersOf(customerId)).toHaveLength(1);
    expect(await balanceOf(customerId)).toBe(8800);
    expect(await stockOf(productId)).toBe(4);
  });

  it('still creates an order per request when no key is sent', async () => {
    // Prepare
    const customerId = aCustomerId();

    // Act
    const first = await placeOrder({ customerId, items });
    const second = await placeOrder({ customerId, items });

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.orderId).not.toBe(second.body.orderId);
    expect(await ordersOf(customerId)).toHaveLength(2);
  });
});
