import { ConflictError } from '../../domain/errors';
import { timeOut } from '../../domain/orders/transitions';
import { logger } from '../../observability';
import type { Clock, OrdersStore, Transactions } from '../ports';
import { sagaMetrics } from './saga-metrics';

/**
 * The watchdog: every order still PENDING past its deadline is cancelled (`Saga timed out`), which
 * emits `order.cancelled` and so runs the same compensation as any other failure.
 */
export const cancelOverdueSagas = async (deps: { orders: OrdersStore; tx: Transactions; clock: Clock }): Promise<{ cancelled: number }> => {
  const now = deps.clock();
  const overdue = await deps.orders.findOverdueSagas(now);
  let cancelled = 0;
  for (const { sagaId, orderId } of overdue) {
    const order = await deps.orders.getOrder(orderId);
    const reaction = order && timeOut(order, now);
    try {
      if (!reaction) {
        await deps.tx.commit({ writes: [deps.orders.stopWatching(sagaId)], events: [] });
        continue;
      }
      await deps.tx.commit({ writes: deps.orders.reactionWrites(orderId, reaction), events: reaction.events });
      sagaMetrics(reaction.order!, now);
      cancelled += 1;
      logger.warn('Saga timed out; order cancelled', { orderId, sagaId, deadline: order!.deadline });
    } catch (error) {
      // The order moved while we looked (an event won the race): the next run sees the new state.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return { cancelled };
};
