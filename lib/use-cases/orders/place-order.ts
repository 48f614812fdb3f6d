import { parsePlaceOrder, placeOrder, type Order } from '../../domain/orders/order';
import { count, logger } from '../../observability';
import type { Clock, OrdersStore, Transactions } from '../ports';

export interface PlaceOrderDeps {
  orders: OrdersStore;
  tx: Transactions;
  sagaTimeoutSeconds: number;
  clock: Clock;
}

/** POST /orders: the order, its saga state and `order.created`, all in one transaction. */
export const placeOrderUseCase = async (body: unknown, deps: PlaceOrderDeps): Promise<Order> => {
  const input = parsePlaceOrder(body);
  const { result, events } = placeOrder(input, { now: deps.clock(), sagaTimeoutSeconds: deps.sagaTimeoutSeconds });
  await deps.tx.commit({ writes: deps.orders.createWrites(result.order, result.saga), events });
  count('SagasStarted');
  logger.info('Order placed', { orderId: result.order.orderId, correlationId: result.order.sagaId });
  return result.order;
};
