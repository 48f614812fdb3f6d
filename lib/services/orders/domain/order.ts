import { identifierSchema } from '../../../platform/validation';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MAX_ORDER_LINES, createEnvelope, type Envelope, country } from '../../contracts';
import { ForbiddenError, ValidationError } from '../../../platform/errors';
import { issueDetails, summarise } from '../../../platform/validation';
import { newSagaState, type SagaState } from '../../../platform/saga/state';

export { MAX_ORDER_LINES };
export const MAX_LINE_QUANTITY = 1000;

const identifier = identifierSchema;

/** A customer id: what a token's subject must look like to place and read orders. */
export const customerIdSchema = identifier;

/**
 * The body of `POST /orders`. The customer is the token's subject; a body may still name it (as
 * older clients do), but only as itself.
 */
export const placeOrderSchema = z
  .object({
    customerId: identifier.optional(),
    items: z
      .array(
        z
          .object({
            productId: identifier,
            quantity: z
              .number({ required_error: 'is required', invalid_type_error: 'must be a number' })
              .int('must be an integer')
              .positive('must be greater than 0')
              .max(MAX_LINE_QUANTITY, `must be at most ${MAX_LINE_QUANTITY}`),
          })
          .strict(),
        { required_error: 'is required', invalid_type_error: 'must be an array' },
      )
      .min(1, 'must contain at least one line')
      .max(MAX_ORDER_LINES, `must contain at most ${MAX_ORDER_LINES} lines`)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.productId)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [index, 'productId'],
              message: `duplicate line for product "${item.productId}": combine the quantities`,
            });
          }
          seen.add(item.productId);
        });
      }),
    /** Where to ship; without it, the customer's default country (from their account). */
    shipTo: z.object({ country }, { invalid_type_error: 'must be an object' }).strict().optional(),
  })
  .strict();

export type PlaceOrderBody = z.infer<typeof placeOrderSchema>;
export type OrderLine = PlaceOrderBody['items'][number];
/** A validated request: who orders (from the token) and what. */
export interface PlaceOrderInput {
  customerId: string;
  items: OrderLine[];
  shipTo?: ShipTo;
}
export interface ShipTo {
  country: string;
}

const timestamp = z.string().datetime({ offset: true });

/** An order as the orders service stores it and the HTTP API returns it. */
export const orderSchema = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    items: z.array(placeOrderSchema.shape.items.innerType().element),
    status: z.enum(['PENDING', 'CONFIRMED', 'CANCELLED']),
    sagaId: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    deadline: timestamp,
    /** Sequence of the last event this order emitted: the per-aggregate sequence of its envelopes. */
    version: z.number().int().positive(),
    /** Where it ships: the request's `shipTo`, or the customer's default country. */
    shipTo: z.object({ country: z.string() }).strict().optional(),
    /** What was charged, in cents, once confirmed. */
    amount: z.number().int().nonnegative().optional(),
    /** Why it was cancelled, in words a person reads. */
    reason: z.string().optional(),
  })
  .strict();

export type Order = z.infer<typeof orderSchema>;
export type OrderStatus = Order['status'];

/**
 * Validates the body of an order placed by `customerId` (the authenticated customer). A body that
 * names another customer is refused: nobody orders on another customer's account.
 */
export const parsePlaceOrder = (body: unknown, customerId: string): PlaceOrderInput => {
  const parsed = placeOrderSchema.safeParse(body);
  if (!parsed.success) {
    const details = issueDetails(parsed.error.issues, { fallback: '(body)' });
    throw new ValidationError(`Invalid order: ${summarise(details)}`, details);
  }
  if (parsed.data.customerId !== undefined && parsed.data.customerId !== customerId) {
    throw new ForbiddenError('customerId in the body must be the authenticated customer (or be left out: the customer is taken from the token)');
  }
  return { customerId, items: parsed.data.items, ...(parsed.data.shipTo ? { shipTo: parsed.data.shipTo } : {}) };
};

/** `{ "orderId": "..." }`, as an operation (describeSaga) is asked about one order. */
export const orderReferenceSchema = z
  .object({ orderId: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits, and _ . : -') })
  .strict();

export const parseOrderReference = (input: unknown, what: string): { orderId: string } => {
  const parsed = orderReferenceSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error.issues, { fallback: '(request)' });
  throw new ValidationError(`Invalid ${what} request: ${summarise(details)}`, details);
};

export interface PlacedOrder {
  result: { order: Order; saga: SagaState };
  events: [Envelope<'order.created'>];
}

/** Step 1 of the saga: a PENDING order, its saga state and the `order.created` event. */
export const placeOrder = (input: PlaceOrderInput, options: { now: Date; sagaTimeoutSeconds: number; defaultShipTo?: ShipTo }): PlacedOrder => {
  const shipTo = input.shipTo ?? options.defaultShipTo;
  const orderId = randomUUID();
  const sagaId = randomUUID();
  const createdAt = options.now.toISOString();
  const deadline = new Date(options.now.getTime() + options.sagaTimeoutSeconds * 1000).toISOString();
  const event = createEnvelope(
    {
      type: 'order.created',
      aggregateId: orderId,
      sequence: 1,
      correlationId: sagaId,
      causationId: null,
      data: { orderId, customerId: input.customerId, items: input.items, deadline, ...(shipTo ? { shipTo } : {}) },
    },
    options.now,
  );
  const order: Order = {
    orderId,
    customerId: input.customerId,
    items: input.items,
    ...(shipTo ? { shipTo } : {}),
    status: 'PENDING',
    sagaId,
    createdAt,
    updatedAt: createdAt,
    deadline,
    version: 1,
  };
  return { result: { order, saga: newSagaState({ sagaId, orderId, now: options.now, deadline, eventId: event.id }) }, events: [event] };
};
