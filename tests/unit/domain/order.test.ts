import { ForbiddenError, ValidationError } from '../../../lib/platform/errors';
import { clientErrorStatus } from '../../../lib/platform/middleware/http-errors';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES, parsePlaceOrder, placeOrder } from '../../../lib/services/orders/domain/order';
import { A_FIXED_NOW, aPlaceOrderBody } from '../../steps/given';
import { expectToThrow, expectUuid, pathsOf } from '../../steps/then';
import { parseEnvelope } from '../../../lib/services/contracts';

const CUSTOMER = 'customer-123';
const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ productId: `product-${i + 1}`, quantity: 1 }));

describe('parsePlaceOrder', () => {
  it('accepts the example order of the source design', () => {
    // Prepare
    const body = JSON.parse('{"customerId":"customer-123","items":[{"productId":"product-1","quantity":2}]}') as unknown;

    // Act
    const input = parsePlaceOrder(body, CUSTOMER);

    // Assess
    expect(input).toEqual({ customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] });
  });

  it('takes the customer from the token when the body does not name one', () => {
    // Act
    const input = parsePlaceOrder({ items: [{ productId: 'product-1', quantity: 2 }] }, 'customer-from-token');

    // Assess
    expect(input).toEqual({ customerId: 'customer-from-token', items: [{ productId: 'product-1', quantity: 2 }] });
  });

  it('refuses with a 403 a body that names another customer than the authenticated one', () => {
    // Act
    const error = expectToThrow(() => parsePlaceOrder({ customerId: 'customer-no-funds', items: [{ productId: 'product-1', quantity: 2 }] }, 'customer-123'), ForbiddenError);

    // Assess
    expect(clientErrorStatus(error)).toBe(403);
    expect(error.message).toMatch(/customerId in the body must be the authenticated customer/);
  });

  it(`accepts exactly ${MAX_ORDER_LINES} lines of up to ${MAX_LINE_QUANTITY} each`, () => {
    // Prepare
    const body = { customerId: 'customer-123', items: lines(MAX_ORDER_LINES).map((l) => ({ ...l, quantity: MAX_LINE_QUANTITY })) };

    // Act
    const input = parsePlaceOrder(body, CUSTOMER);

    // Assess
    expect(input.items).toHaveLength(MAX_ORDER_LINES);
  });

  const body = aPlaceOrderBody();
  const rejected: [string, unknown, string][] = [
    ['a customerId that is not a string', { ...body, customerId: 123 }, 'customerId'],
    ['an empty customerId', { ...body, customerId: '' }, 'customerId'],
    ['a customerId with spaces', { ...body, customerId: 'customer 123' }, 'customerId'],
    ['a customerId longer than 64 characters', { ...body, customerId: 'c'.repeat(65) }, 'customerId'],
    ['missing items', { customerId: body.customerId }, 'items'],
    ['items that are not an array', { ...body, items: { productId: 'product-1', quantity: 2 } }, 'items'],
    ['empty items', { ...body, items: [] }, 'items'],
    ['a line without productId', { ...body, items: [{ quantity: 2 }] }, 'items.0.productId'],
    ['a line without quantity', { ...body, items: [{ productId: 'product-1' }] }, 'items.0.quantity'],
    ['a quantity of 0', { ...body, items: [{ productId: 'product-1', quantity: 0 }] }, 'items.0.quantity'],
    ['a negative quantity', { ...body, items: [{ productId: 'product-1', quantity: -1 }] }, 'items.0.quantity'],
    ['a fractional quantity', { ...body, items: [{ productId: 'product-1', quantity: 1.5 }] }, 'items.0.quantity'],
    ['a quantity given as a string', { ...body, items: [{ productId: 'product-1', quantity: '2' }] }, 'items.0.quantity'],
    [`a quantity above ${MAX_LINE_QUANTITY}`, { ...body, items: [{ productId: 'product-1', quantity: MAX_LINE_QUANTITY + 1 }] }, 'items.0.quantity'],
    [
      'two lines for the same product',
      { ...body, items: [{ productId: 'product-1', quantity: 1 }, { productId: 'product-2', quantity: 1 }, { productId: 'product-1', quantity: 3 }] },
      'items.2.productId',
    ],
    [`more than ${MAX_ORDER_LINES} lines`, { ...body, items: lines(MAX_ORDER_LINES + 1) }, 'items'],
    ['an unknown line property', { ...body, items: [{ productId: 'product-1', quantity: 2, price: 1 }] }, 'items.0'],
    ['an unknown top-level property', { ...body, discount: 50 }, '(body)'],
    ['a body that is an array', [body], '(body)'],
    ['a body that is null', null, '(body)'],
    ['a body that is a string', JSON.stringify(body), '(body)'],
    ['a body that is a number', 42, '(body)'],
  ];

  it.each(rejected)('rejects %s with a 400 naming the path', (_name, input, path) => {
    // Act
    const error = expectToThrow(() => parsePlaceOrder(input, CUSTOMER), ValidationError);

    // Assess
    expect(clientErrorStatus(error)).toBe(400);
    expect(new Set(pathsOf(error))).toEqual(new Set([path]));
    expect(error.message).toContain(path);
    expect(error.details[0]!.message).not.toBe('');
  });

  it('names the unknown property in the message', () => {
    // Act
    const error = expectToThrow(() => parsePlaceOrder({ ...aPlaceOrderBody(), discount: 50 }, CUSTOMER), ValidationError);

    // Assess
    expect(error.details[0]!.message).toContain('discount');
  });

  it('tells the caller to combine duplicate lines', () => {
    // Prepare
    const input = { customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 1 }, { productId: 'product-1', quantity: 2 }] };

    // Act
    const error = expectToThrow(() => parsePlaceOrder(input, CUSTOMER), ValidationError);

    // Assess
    expect(error.details).toEqual([{ path: 'items.1.productId', message: 'duplicate line for product "product-1": combine the quantities' }]);
  });

  it('reports every invalid field, not only the first', () => {
    // Prepare
    const input = { customerId: 7, items: [{ productId: 'product-1', quantity: 0 }, { productId: '', quantity: 1 }] };

    // Act
    const error = expectToThrow(() => parsePlaceOrder(input, CUSTOMER), ValidationError);

    // Assess
    expect(new Set(pathsOf(error))).toEqual(new Set(['customerId', 'items.0.quantity', 'items.1.productId']));
  });
});

describe('placeOrder', () => {
  const sagaTimeoutSeconds = 900;

  it('creates a PENDING order at version 1', () => {
    // Prepare
    const input = parsePlaceOrder(aPlaceOrderBody(), CUSTOMER);

    // Act
    const { result } = placeOrder(input, { now: A_FIXED_NOW, sagaTimeoutSeconds });

    // Assess
    expectUuid(result.order.orderId);
    expectUuid(result.order.sagaId);
    expect(result.order.sagaId).not.toBe(result.order.orderId);
    expect(result.order).toEqual({
      orderId: result.order.orderId,
      customerId: 'customer-123',
      items: [{ productId: 'product-1', quantity: 2 }],
      status: 'PENDING',
      sagaId: result.order.sagaId,
      createdAt: '2025-01-15T10:00:00.000Z',
      updatedAt: '2025-01-15T10:00:00.000Z',
      deadline: '2025-01-15T10:15:00.000Z',
      version: 1,
    });
  });

  it('starts the saga with the step `created` succeeded and a deadline of now + the saga timeout', () => {
    // Prepare
    const input = parsePlaceOrder(aPlaceOrderBody(), CUSTOMER);

    // Act
    const { result, events } = placeOrder(input, { now: A_FIXED_NOW, sagaTimeoutSeconds });

    // Assess
    expect(result.saga).toEqual({
      sagaId: result.order.sagaId,
      orderId: result.order.orderId,
      currentStep: 'CREATED',
      steps: { created: { status: 'SUCCESS', timestamp: A_FIXED_NOW.toISOString(), eventId: events[0].id } },
      compensationRequired: false,
      deadline: new Date(A_FIXED_NOW.getTime() + sagaTimeoutSeconds * 1000).toISOString(),
      startedAt: A_FIXED_NOW.toISOString(),
    });
  });

  it('raises exactly one valid order.created event about the order, correlated by the saga', () => {
    // Prepare
    const input = parsePlaceOrder(aPlaceOrderBody(), CUSTOMER);

    // Act
    const { result, events } = placeOrder(input, { now: A_FIXED_NOW, sagaTimeoutSeconds });

    // Assess
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      type: 'order.created',
      source: 'saga.orders',
      version: 1,
      time: A_FIXED_NOW.toISOString(),
      aggregateId: result.order.orderId,
      correlationId: result.order.sagaId,
      causationId: null,
      sequence: 1,
      data: {
        orderId: result.order.orderId,
        customerId: 'customer-123',
        items: [{ productId: 'product-1', quantity: 2 }],
        deadline: result.order.deadline,
      },
    });
    expect(event.sequence).toBe(result.order.version);
    expect(parseEnvelope(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('gives every order its own ids', () => {
    // Prepare
    const input = parsePlaceOrder(aPlaceOrderBody(), CUSTOMER);

    // Act
    const first = placeOrder(input, { now: A_FIXED_NOW, sagaTimeoutSeconds });
    const second = placeOrder(input, { now: A_FIXED_NOW, sagaTimeoutSeconds });

    // Assess
    expect(second.result.order.orderId).not.toBe(first.result.order.orderId);
    expect(second.result.order.sagaId).not.toBe(first.result.order.sagaId);
    expect(second.events[0].id).not.toBe(first.events[0].id);
  });
});
