import type { DueWatch, Transactions } from '../../../platform/ports';
import { logger } from '../../../platform/observability';
import { timeOut } from '../domain/transitions';
import type { OrdersStore } from '../ports';
import { sagaMetrics } from './saga-metrics';

/**
 * The keeper's deadline rule, as the watchdog calls it for a saga past its deadline: an order
 * still PENDING is cancelled (`Saga timed out`) and its compensation starts; any other is `nothing`.
 */
export const timeOutOrder =
  (deps: { orders: Pick<OrdersStore, 'getOrder' | 'reactionWrites'>; tx: Transactions }) =>
  async ({ sagaId, orderId }: DueWatch, now: Date): Promise<'cancelled' | 'nothing'> => {
    const order = await deps.orders.getOrder(orderId);
    const reaction = order && timeOut(order, now);
    if (!reaction) return 'nothing';
    await deps.tx.commit({ writes: deps.orders.reactionWrites(orderId, reaction), events: reaction.events });
    sagaMetrics(reaction.order!, now);
    logger.warn('Saga timed out; order cancelled', { orderId, correlationId: sagaId, deadline: order.deadline });
    return 'cancelled';
  };
