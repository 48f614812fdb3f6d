import { reactToSagaEvent, type OrderSagaEvent } from '../domain/transitions';
import { count, logger } from '../../../platform/observability';
import { nothing, type Clock, type Commit } from '../../../platform/ports';
import { sagaMetrics } from './saga-metrics';
import { type OrdersStore } from '../ports';

/** Steps 4, c1 and the audit trail: the orders service's reaction to the participants' events. */
export const advanceSaga = async (event: OrderSagaEvent, commit: Commit, deps: { orders: OrdersStore; clock: Clock }): Promise<void> => {
  const order = await deps.orders.getOrder(event.aggregateId);
  if (!order) {
    logger.error('Event for an unknown order; recorded as processed and ignored', { orderId: event.aggregateId });
    count('EventsForUnknownOrders');
    return commit(nothing());
  }
  const now = deps.clock();
  const reaction = reactToSagaEvent(order, event, now);
  await commit({ writes: deps.orders.reactionWrites(order.orderId, reaction), events: reaction.events });
  if (reaction.order) sagaMetrics(reaction.order, now);
};
