import { z } from 'zod';
import { id, line, money, country, MAX_ORDER_LINES } from '../schemas';

/** The events the orders service (the saga's keeper) owns. The EventBridge `Source` of an event is its owner. */
export const source = 'saga.orders' as const;

/** `order.created` before it named a destination. */
const orderCreatedV1 = z
  .object({
    orderId: id,
    customerId: id,
    // What one reservation transaction can hold: one line per product, at most MAX_ORDER_LINES.
    items: z
      .array(line)
      .min(1)
      .max(MAX_ORDER_LINES)
      .refine((items) => new Set(items.map((l) => l.productId)).size === items.length, 'one line per product'),
    deadline: z.string().datetime(),
  })
  .strict();

export const events = {
  'order.created': {
    source,
    // `shipTo`: where the order ships (resolved by orders from the request or the customer's
    // default country). Optional, so events committed before it existed still parse; the booking
    // fails an order without one. Consumers of order.created must be deployed with this contract
    // before orders writes the field (the schema is strict).
    version: 1,
    data: orderCreatedV1.extend({ shipTo: z.object({ country }).strict().optional() }).strict(),
  },
  'order.confirmed': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
  'order.cancelled': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, reason: z.string().min(1) }).strict(),
  },
} as const;
