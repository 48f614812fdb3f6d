import { NotFoundError } from '../../domain/errors';
import type { Order } from '../../domain/orders/order';
import type { SagaState } from '../../domain/orders/saga';
import type { OrdersStore } from '../ports';

export const getOrderUseCase = async (orderId: string, deps: { orders: OrdersStore }): Promise<Order> => {
  const order = await deps.orders.getOrder(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  return order;
};

export const getSagaUseCase = async (orderId: string, deps: { orders: OrdersStore }): Promise<SagaState> => {
  const saga = await deps.orders.getSagaByOrderId(orderId);
  if (!saga) throw new NotFoundError('Saga for order', orderId);
  return saga;
};
