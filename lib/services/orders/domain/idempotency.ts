import { createHash } from 'node:crypto';
import { IdempotencyKeyReusedError, ValidationError } from '../../../platform/errors';
import type { Order, PlaceOrderInput } from './order';

/**
 * Client retries of `POST /orders` with an `Idempotency-Key` (the convention of Stripe and of the
 * IETF draft "The Idempotency-Key HTTP Header Field"). A key is scoped to the customer, recorded in
 * the same transaction as the order it created, with a hash of the request and the order as it was
 * answered; a retry with the same key and request gets that same answer and creates nothing.
 */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const KEY = /^[A-Za-z0-9._~:+/=-]+$/;

export interface IdempotencyRecord {
  customerId: string;
  key: string;
  /** sha256 of the canonical request: the same key with another request is refused. */
  requestHash: string;
  orderId: string;
  /** The order as the first attempt answered it: a replay answers exactly this. */
  order: Order;
  createdAt: string;
  /** Epoch seconds; past it the key is free again (DynamoDB's TTL deletes the record later). */
  expiresAt: number;
}

/**
 * The header's value, or undefined when there is none. The draft sends it as a structured-field
 * string (`"abc"`), Stripe's clients bare (`abc`): both are accepted.
 */
export const parseIdempotencyKey = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  const quoted = /^"(.*)"$/.exec(raw.trim());
  const key = quoted ? quoted[1]! : raw.trim();
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY.test(key)) {
    throw new ValidationError(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters: letters, digits and . _ ~ : + / = -`, [
      { path: 'Idempotency-Key', message: 'invalid format' },
    ]);
  }
  return key;
};

/** JSON with object keys sorted at every level: equal requests hash equally whatever the key order. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** The request as validated (the customer from the token, the parsed body), hashed. Line order counts. */
export const requestHash = (input: PlaceOrderInput): string => createHash('sha256').update(canonicalJson(input)).digest('hex');

export const newIdempotencyRecord = (p: { key: string; input: PlaceOrderInput; order: Order; now: Date }): IdempotencyRecord => ({
  customerId: p.input.customerId,
  key: p.key,
  requestHash: requestHash(p.input),
  orderId: p.order.orderId,
  order: p.order,
  createdAt: p.now.toISOString(),
  expiresAt: Math.floor(p.now.getTime() / 1000) + IDEMPOTENCY_KEY_TTL_SECONDS,
});

/** What a retry gets: the recorded order if it is the same request, otherwise a refusal. */
export const replayOf = (previous: IdempotencyRecord, input: PlaceOrderInput): Order => {
  if (previous.customerId !== input.customerId || previous.requestHash !== requestHash(input)) throw new IdempotencyKeyReusedError(previous.key);
  return previous.order;
};
