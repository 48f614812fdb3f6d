import { z } from 'zod';
import { id, money } from '../schemas';

/** The events the payments service owns. */
export const source = 'saga.payments' as const;

export const events = {
  'payment.succeeded': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
  'payment.failed': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money, reason: z.string().min(1) }).strict(),
  },
  'payment.refunded': {
    source,
    version: 1,
    data: z.object({ orderId: id, customerId: id, amount: money }).strict(),
  },
} as const;
