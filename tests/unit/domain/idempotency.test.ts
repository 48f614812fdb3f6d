import { IdempotencyKeyReusedError, ValidationError } from '../../../lib/platform/errors';
import { IDEMPOTENCY_KEY_TTL_SECONDS, newIdempotencyRecord, parseIdempotencyKey, replayOf, requestHash } from '../../../lib/services/orders/domain/idempotency';
import { clientErrorStatus } from '../../../lib/platform/middleware/http-errors';
import { A_FIXED_NOW, anOrder } from '../../steps/given';
import { expectToThrow } from '../../steps/then';

const input = { customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] };

describe('parseIdempotencyKey', () => {
  it.each([
    ['a UUID', '8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['a structured-field string (the IETF draft’s form)', '"8e03978e-40d5"', '8e03978e-40d5'],
    ['base64 text', 'q+/w=', 'q+/w='],
    ['255 characters', 'k'.repeat(255), 'k'.repeat(255)],
  ])('accepts %s', (_name, raw, key) => {
    // Act, Assess
    expect(parseIdempotencyKey(raw)).toBe(key);
  });

  it('is absent when the header is', () => {
    // Act, Assess
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    ['an empty key', ''],
    ['an empty quoted key', '""'],
    ['spaces', 'two words'],
    ['two keys (a repeated header)', 'a, b'],
    ['256 characters', 'k'.repeat(256)],
    ['non-ASCII', 'clé'],
  ])('refuses %s with a 400', (_name, raw) => {
    // Act
    const error = expectToThrow(() => parseIdempotencyKey(raw), ValidationError);

    // Assess
    expect(clientErrorStatus(error)).toBe(400);
    expect(error.details).toEqual([{ path: 'Idempotency-Key', message: 'invalid format' }]);
  });
});

describe('requestHash', () => {
  it('is the same for the same request whatever the order of its keys', () => {
    // Act, Assess
    expect(requestHash({ items: [{ quantity: 2, productId: 'product-1' }], customerId: 'customer-123' })).toBe(requestHash(input));
  });

  const ab = { ...input, items: [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 1 }] };
  it.each([
    ['another customer', input, { ...input, customerId: 'customer-456' }],
    ['another quantity', input, { ...input, items: [{ productId: 'product-1', quantity: 3 }] }],
    ['another line order', ab, { ...ab, items: [...ab.items].reverse() }],
  ])('differs for %s', (_name, one, other) => {
    // Act, Assess
    expect(requestHash(other)).not.toBe(requestHash(one));
  });
});

describe('replayOf', () => {
  const order = anOrder();
  const record = newIdempotencyRecord({ key: 'k-1', input, order, now: A_FIXED_NOW });

  it('records the key for 24 hours', () => {
    // Assess
    expect(record.expiresAt).toBe(A_FIXED_NOW.getTime() / 1000 + IDEMPOTENCY_KEY_TTL_SECONDS);
    expect(record).toMatchObject({ customerId: 'customer-123', key: 'k-1', orderId: order.orderId, requestHash: requestHash(input) });
  });

  it('answers the same request with the recorded order', () => {
    // Act, Assess
    expect(replayOf(record, { ...input })).toBe(order);
  });

  it('refuses another request with the same key with a 422', () => {
    // Act
    const error = expectToThrow(() => replayOf(record, { ...input, items: [{ productId: 'product-1', quantity: 5 }] }), IdempotencyKeyReusedError);

    // Assess
    expect(clientErrorStatus(error)).toBe(422);
  });
});
