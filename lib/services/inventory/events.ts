import { z } from 'zod';
import { id, line, money, pricedLine } from '../schemas';

/** The events the inventory service owns. */
export const source = 'saga.inventory' as const;

/**
 * `inventory.reserved` version 1, still accepted from events committed (or in flight) before
 * version 2 was deployed.
 */
const inventoryReservedV1 = z.object({ orderId: id, customerId: id, items: z.array(pricedLine).min(1), amount: money }).strict();

export const events = {
  'inventory.reserved': {
    source,
    // Version 2 carries the saga's deadline (from `order.created`), so a charge that arrives after
    // the saga has ended can be refused. Optional: a version-1 event has none.
    version: 2,
    data: inventoryReservedV1.extend({ deadline: z.string().datetime().optional() }).strict(),
    older: {
      1: { data: inventoryReservedV1, upcast: (data: z.infer<typeof inventoryReservedV1>) => ({ ...data }) },
    },
  },
  'inventory.reservation.failed': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, reason: z.string().min(1) }).strict(),
  },
  'inventory.released': {
    source,
    version: 1,
    data: z.object({ orderId: id, items: z.array(line) }).strict(),
  },
} as const;
