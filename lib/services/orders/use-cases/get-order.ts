import { NotFoundError } from '../../../platform/errors';
import type { Order } from '../domain/order';
import type { SagaState } from '../../../platform/saga/state';
import { type OrdersStore } from '../ports';

/**
 * A customer's own order. Another customer's order is "not found", exactly as a missing one: the
 * answer never reveals that an order id exists.
 */
export const getOrderUseCase = async (orderId: string, customerId: string, deps: { orders: OrdersStore }): Promise<Order> => {
  const order = await deps.orders.getOrder(orderId);
  if (!order || order.customerId !== customerId) throw new NotFoundError('Order', orderId);
  return order;
};

/**
 * The saga of a customer's own order; another customer's is "not found" too. Read by the order's
 * `sagaId`, strongly consistent: a client that was just given the saga's Location finds it (an
 * index would answer eventually, so possibly 404 or stale, right after the write).
 */
export const getSagaUseCase = async (orderId: string, customerId: string, deps: { orders: OrdersStore }): Promise<SagaState> => {
  const order = await getOrderUseCase(orderId, customerId, deps);
  const saga = await deps.orders.getSaga(order.sagaId);
  if (!saga) throw new NotFoundError('Saga for order', orderId);
  return saga;
};
