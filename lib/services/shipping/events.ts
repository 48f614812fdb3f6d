import { z } from 'zod';
import { id, money, country } from '../schemas';

/** The events this service owns. */
export const source = 'saga.shipping' as const;

export const events = {
  'shipment.scheduled': {
    source,
    version: 1,
    // `amount` is what the order was charged: the order is confirmed with it.
    data: z.object({ orderId: id, customerId: id, amount: money, country, carrier: id, shipmentId: id }).strict(),
  },
  'shipment.failed': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money, country: country.optional(), reason: z.string().min(1) }).strict(),
  },
  'shipment.cancelled': {
    source,
    version: 1,
    // `cancelled`: a booked shipment was cancelled (false: nothing had been booked).
    data: z.object({ orderId: id, customerId: id, cancelled: z.boolean(), shipmentId: id.optional() }).strict(),
  },
} as const;
