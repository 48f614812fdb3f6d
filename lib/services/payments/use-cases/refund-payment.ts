import { decideRefund } from '../domain/payment';
import { commitStep } from '../../../platform/participant-step';
import type { Clock, Commit } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type PaymentsStore } from '../ports';

/** Compensation: refund exactly what this order was charged, or leave a tombstone if nothing was. */
export const refundPayment = async (event: Envelope<'order.cancelled'>, commit: Commit, deps: { payments: PaymentsStore; clock: Clock }): Promise<void> => {
  const existing = await deps.payments.getPayment(event.data.orderId);
  const decision = decideRefund(event, existing, deps.clock());
  const plan =
    decision.kind === 'ignore'
      ? decision
      : {
          kind: 'commit' as const,
          unit: {
            writes: [
              deps.payments.replacePayment(decision.payment, decision.previous),
              ...(decision.refund > 0 ? [deps.payments.credit(decision.payment.customerId, decision.refund)] : []),
            ],
            events: decision.events,
          },
        };
  return commitStep(plan, commit, { step: 'refundPayment', orderId: event.data.orderId });
};
