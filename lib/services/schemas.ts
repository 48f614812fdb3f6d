import { z } from 'zod';

/** The data types every service's events share. */
export const id = z.string().min(1).max(128);
/** Minor units (cents): integers never round. */
export const money = z.number().int().nonnegative();
export const line = z.object({ productId: id, quantity: z.number().int().positive() }).strict();
export const pricedLine = line.extend({ unitPrice: money }).strict();

/** ISO 3166-1 alpha-2, upper case: where an order ships. */
export const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (two capital letters)');

/**
 * One reservation is one DynamoDB transaction (one update per line plus the reservation, its outbox
 * record and the idempotency marker), and a transaction holds at most 100 items. 25 lines leaves
 * ample headroom and is more than a real basket needs.
 */
export const MAX_ORDER_LINES = 25;
