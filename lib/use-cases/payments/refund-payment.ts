import type { PaymentsRepository } from '../../adapters/dynamodb/payments-repository';
import type { UnitOfWork } from '../../adapters/dynamodb/transaction';
import type { Envelope } from '../../domain/events/envelope';
import { decideRefund } from '../../domain/payments/payment';
import { logger } from '../../observability';

/** Compensation: refund exactly what this order was charged, or leave a tombstone if nothing was. */
export const refundPayment = async (
  event: Envelope<'order.cancelled'>,
  commit: (unit: UnitOfWork) => Promise<void>,
  deps: { payments: PaymentsRepository; now?: () => Date },
): Promise<void> => {
  const now = (deps.now ?? (() => new Date()))();
  const existing = await deps.payments.getPayment(event.data.orderId);
  const decision = decideRefund(event, existing, now);
  if (decision.kind === 'ignore') {
    logger.info('Nothing to refund', { orderId: event.data.orderId, why: decision.why });
    return commit({ writes: [], events: [] });
  }
  return commit({
    writes: [
      deps.payments.replacePayment(decision.payment, decision.previous),
      ...(decision.refund > 0 ? [deps.payments.credit(decision.payment.customerId, decision.refund)] : []),
    ],
    events: decision.events,
  });
};
