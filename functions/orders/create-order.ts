import { json, httpHandler } from '../../lib/middleware/http';
import { placeOrderUseCase } from '../../lib/use-cases/orders/place-order';
import { placeOrderDeps } from '../../lib/wiring/orders';

const deps = placeOrderDeps();

export const handler = httpHandler(
  async (event) => {
    const order = await placeOrderUseCase(event.body, deps);
    return json(201, order, { Location: `/orders/${order.orderId}` });
  },
  { body: true },
);
