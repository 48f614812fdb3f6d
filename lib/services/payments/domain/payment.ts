import { type AnyEnvelope, type Envelope, reactTo } from '../../contracts';

export interface Account {
  customerId: string;
  balance: number;
}

/** Payments' record of one order; CANCELLED without a charge is a tombstone that refuses a late charge. */
export type PaymentStatus = 'CHARGED' | 'FAILED' | 'REFUNDED' | 'CANCELLED';
export interface Payment {
  orderId: string;
  customerId: string;
  status: PaymentStatus;
  amount: number;
  reason?: string;
  version: number;
  updatedAt: string;
}

export type ChargeDecision =
  | { kind: 'charge'; payment: Payment; events: [Envelope<'payment.succeeded'>] }
  | { kind: 'fail'; payment: Payment; events: [Envelope<'payment.failed'>] }
  | { kind: 'ignore'; why: string };

export type RefundDecision =
  | { kind: 'refund'; payment: Payment; previous: Payment | undefined; refund: number; events: [Envelope<'payment.refunded'>] }
  | { kind: 'ignore'; why: string };

export const failCharge = (cause: Envelope<'inventory.reserved'>, reason: string, now: Date): Extract<ChargeDecision, { kind: 'fail' }> => {
  const { orderId, customerId, amount } = cause.data;
  return {
    kind: 'fail',
    payment: { orderId, customerId, status: 'FAILED', amount: 0, reason, version: 1, updatedAt: now.toISOString() },
    events: [reactTo(cause, 'payment.failed', { orderId, customerId, amount, reason }, 1, now)],
  };
};

/** Step 3: charge the customer the amount the reservation priced, never below a zero balance. */
export const decideCharge = (
  cause: Envelope<'inventory.reserved'>,
  account: Account | undefined,
  existing: Payment | undefined,
  now: Date,
): ChargeDecision => {
  if (existing) {
    return { kind: 'ignore', why: existing.status === 'CANCELLED' ? 'order was cancelled before it reached payments' : `already ${existing.status}` };
  }
  const { orderId, customerId, amount, deadline } = cause.data;
  // A charge after the saga's deadline would take money for an order the watchdog cancels (or has
  // cancelled). Version-1 events carry no deadline; they predate it and are charged as before.
  if (deadline !== undefined && Date.parse(deadline) <= now.getTime()) return failCharge(cause, `Saga deadline ${deadline} passed`, now);
  if (!account) return failCharge(cause, `Unknown customer account: ${customerId}`, now);
  if (account.balance < amount) return failCharge(cause, 'Insufficient funds', now);
  return {
    kind: 'charge',
    payment: { orderId, customerId, status: 'CHARGED', amount, version: 1, updatedAt: now.toISOString() },
    events: [reactTo(cause, 'payment.succeeded', { orderId, customerId, amount }, 1, now)],
  };
};

/** Compensation: refund exactly what was charged for the order; nothing charged, nothing refunded. */
export const decideRefund = (cause: Envelope<'order.cancelled'>, existing: Payment | undefined, now: Date): RefundDecision => {
  const { orderId, customerId } = cause.data;
  if (existing && (existing.status === 'REFUNDED' || existing.status === 'CANCELLED')) {
    return { kind: 'ignore', why: `already ${existing.status}` };
  }
  const refund = existing?.status === 'CHARGED' ? existing.amount : 0;
  const version = (existing?.version ?? 0) + 1;
  return {
    kind: 'refund',
    previous: existing,
    refund,
    payment: {
      orderId,
      customerId: existing?.customerId ?? customerId,
      status: refund > 0 ? 'REFUNDED' : 'CANCELLED',
      amount: existing?.amount ?? 0,
      ...(existing?.reason ? { reason: existing.reason } : {}),
      version,
      updatedAt: now.toISOString(),
    },
    events: [reactTo(cause as AnyEnvelope, 'payment.refunded', { orderId, customerId: existing?.customerId ?? customerId, amount: refund }, version, now)],
  };
};
