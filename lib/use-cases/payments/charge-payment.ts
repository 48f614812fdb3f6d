import type { PaymentsRepository } from '../../adapters/dynamodb/payments-repository';
import type { UnitOfWork } from '../../adapters/dynamodb/transaction';
import type { Envelope } from '../../domain/events/envelope';
import { decideCharge, failCharge, InsufficientFundsError } from '../../domain/payments/payment';
import { logger } from '../../observability';

/** Step 3 of the saga: charge what inventory priced; the conditional debit keeps balances >= 0. */
export const chargePayment = async (
  event: Envelope<'inventory.reserved'>,
  commit: (unit: UnitOfWork) => Promise<void>,
  deps: { payments: PaymentsRepository; now?: () => Date },
): Promise<void> => {
  const now = (deps.now ?? (() => new Date()))();
  const { orderId, customerId, amount } = event.data;
  const [existing, account] = await Promise.all([deps.payments.getPayment(orderId), deps.payments.getAccount(customerId)]);
  const decision = decideCharge(event, account, existing, now);
  switch (decision.kind) {
    case 'ignore':
      logger.info('Charge not made', { orderId, why: decision.why });
      return commit({ writes: [], events: [] });
    case 'fail':
      return commit({ writes: [deps.payments.putNewPayment(decision.payment)], events: decision.events });
    case 'charge':
      try {
        return await commit({ writes: [deps.payments.putNewPayment(decision.payment), deps.payments.debit(customerId, amount)], events: decision.events });
      } catch (error) {
        if (!(error instanceof InsufficientFundsError)) throw error;
        const failed = failCharge(event, 'Insufficient funds', now);
        return commit({ writes: [deps.payments.putNewPayment(failed.payment)], events: failed.events });
      }
  }
};
