import { decideCharge, failCharge, type Payment } from '../domain/payment';
import { commitStep, type StepPlan } from '../../../platform/participant-step';
import type { Clock, Commit, UnitOfWork } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type PaymentsStore } from '../ports';

/** Step 3 of the saga: charge what the reservation priced; the conditional debit keeps balances >= 0. */
export const chargePayment = async (event: Envelope<'inventory.reserved'>, commit: Commit, deps: { payments: PaymentsStore; clock: Clock }): Promise<void> => {
  const now = deps.clock();
  const { orderId, customerId, amount } = event.data;
  const [existing, account] = await Promise.all([deps.payments.getPayment(orderId), deps.payments.getAccount(customerId)]);
  const decision = decideCharge(event, account, existing, now);
  const failure = (payment: Payment, events: UnitOfWork['events']): UnitOfWork => ({ writes: [deps.payments.putNewPayment(payment)], events });
  const plan: StepPlan = (() => {
    switch (decision.kind) {
      case 'ignore':
        return decision;
      case 'fail':
        return { kind: 'commit', unit: failure(decision.payment, decision.events) };
      case 'charge':
        return {
          kind: 'commit',
          unit: { writes: [deps.payments.putNewPayment(decision.payment), deps.payments.debit(customerId, amount)], events: decision.events },
          // The balance moved between the read and the debit (a concurrent charge won).
          onShortfall: () => {
            const failed = failCharge(event, 'Insufficient funds', now);
            return failure(failed.payment, failed.events);
          },
        };
    }
  })();
  return commitStep(plan, commit, { step: 'chargePayment', orderId });
};
