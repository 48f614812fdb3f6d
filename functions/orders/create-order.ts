import { json, httpHandler } from '../../lib/middleware/http';
import { placeOrderUseCase } from '../../lib/use-cases/orders/place-order';
import { ordersRepository, ordersTransactions } from '../../lib/use-cases/orders/wiring';
import { config } from '../../lib/config';

const deps = { orders: ordersRepository(), tx: ordersTransactions(), sagaTimeoutSeconds: config.sagaTimeoutSeconds() };

export const handler = httpHandler(
  async (event) => {
    const order = await placeOrderUseCase(event.body, deps);
    return json(201, order, { Location: `/orders/${order.orderId}` });
  },
  { body: true },
);
