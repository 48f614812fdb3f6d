import { z } from 'zod';
import { eventCatalogue, type AnyEnvelopeOf, type EnvelopeOf, type NewEvent as NewEventOf } from '../platform/events/envelope';
import type { OlderVersion } from '../platform/saga/declaration';

/** The services that own events. The EventBridge `Source` of an event is its owner. */
export const sources = {
  orders: 'saga.orders',
  inventory: 'saga.inventory',
  payments: 'saga.payments',
  shipping: 'saga.shipping',
} as const;
export type EventSource = (typeof sources)[keyof typeof sources];

/**
 * Inventory reserves every line in one DynamoDB transaction (one update per line plus the
 * reservation, its outbox record and the idempotency marker), and a transaction holds at most 100
 * items. 25 lines leaves ample headroom and is more than a real basket needs.
 */
export const MAX_ORDER_LINES = 25;

const id = z.string().min(1).max(128);
const money = z.number().int().nonnegative(); // minor units (cents): integers never round
const line = z.object({ productId: id, quantity: z.number().int().positive() }).strict();
const pricedLine = line.extend({ unitPrice: money }).strict();

/** ISO 3166-1 alpha-2, upper case: where an order ships. */
export const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (two capital letters)');

/** `order.created` before it named a destination. */
const orderCreatedV1 = z
  .object({
    orderId: id,
    customerId: id,
    // What inventory can reserve in one transaction: one line per product, at most MAX_ORDER_LINES.
    items: z
      .array(line)
      .min(1)
      .max(MAX_ORDER_LINES)
      .refine((items) => new Set(items.map((l) => l.productId)).size === items.length, 'one line per product'),
    deadline: z.string().datetime(),
  })
  .strict();

/**
 * `inventory.reserved` version 1, still accepted from events committed (or in flight) before
 * version 2 was deployed.
 */
const inventoryReservedV1 = z.object({ orderId: id, customerId: id, items: z.array(pricedLine).min(1), amount: money }).strict();

/**
 * One contract per event type: owner, the current schema version, the schema of `data`, and the
 * older versions consumers still accept (`older`: version → schema + upcaster to the current one).
 * Producers always write the current version; consumers accept every version listed here and
 * dead-letter any other. How to evolve a type safely: README, "Evolving an event".
 */
export const contracts = {
  'order.created': {
    source: sources.orders,
    // `shipTo`: where the order ships (resolved by orders from the request or the customer's
    // default country). Optional, so events committed before it existed still parse; shipping
    // fails an order without one. Consumers of order.created must be deployed with this contract
    // before orders writes the field (the schema is strict).
    version: 1,
    data: orderCreatedV1.extend({ shipTo: z.object({ country }).strict().optional() }).strict(),
  },
  'order.confirmed': {
    source: sources.orders,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
  'order.cancelled': {
    source: sources.orders,
    version: 1,
    data: z.object({ orderId: id, customerId: id, reason: z.string().min(1) }).strict(),
  },
  'inventory.reserved': {
    source: sources.inventory,
    // Version 2 carries the saga's deadline (from `order.created`), so payments can refuse a
    // charge that arrives after the saga has ended. Optional: a version-1 event has none.
    version: 2,
    data: inventoryReservedV1.extend({ deadline: z.string().datetime().optional() }).strict(),
    older: {
      1: { data: inventoryReservedV1, upcast: (data: z.infer<typeof inventoryReservedV1>) => ({ ...data }) },
    },
  },
  'inventory.reservation.failed': {
    source: sources.inventory,
    version: 1,
    data: z.object({ orderId: id, customerId: id, reason: z.string().min(1) }).strict(),
  },
  'inventory.released': {
    source: sources.inventory,
    version: 1,
    data: z.object({ orderId: id, items: z.array(line) }).strict(),
  },
  'payment.succeeded': {
    source: sources.payments,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
  'payment.failed': {
    source: sources.payments,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money, reason: z.string().min(1) }).strict(),
  },
  'payment.refunded': {
    source: sources.payments,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
  'shipment.scheduled': {
    source: sources.shipping,
    version: 1,
    // `amount` is what payments charged: the order is confirmed with it.
    data: z.object({ orderId: id, customerId: id, amount: money, country, carrier: id, shipmentId: id }).strict(),
  },
  'shipment.failed': {
    source: sources.shipping,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money, country: country.optional(), reason: z.string().min(1) }).strict(),
  },
  'shipment.cancelled': {
    source: sources.shipping,
    version: 1,
    // `cancelled`: a booked shipment was cancelled (false: nothing had been booked).
    data: z.object({ orderId: id, customerId: id, cancelled: z.boolean(), shipmentId: id.optional() }).strict(),
  },
} as const;

export type EventType = keyof typeof contracts;
export type EventDataOf<T extends EventType> = z.infer<(typeof contracts)[T]['data']>;
export const eventTypes = Object.keys(contracts) as EventType[];

// Every contract must have the platform's shape; checked here, once, at compile time.
const _shapeCheck: Record<EventType, { source: EventSource; version: number; data: z.ZodTypeAny; older?: Readonly<Record<number, OlderVersion<unknown>>> }> = contracts;
void _shapeCheck;

/** The example's contract registry: parse, create and react with envelopes of its types. */
export const catalogue = eventCatalogue(contracts);
export const { parse: parseEnvelope, create: createEnvelope, reactTo, knownVersions } = catalogue;
export type Envelope<T extends EventType = EventType> = EnvelopeOf<typeof contracts, T>;
export type AnyEnvelope = AnyEnvelopeOf<typeof contracts>;
export type NewEvent<T extends EventType> = NewEventOf<typeof contracts, T>;
