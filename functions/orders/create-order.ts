import { parseIdempotencyKey } from '../../lib/domain/orders/idempotency';
import { authenticatedCustomer, header, httpHandler, json } from '../../lib/middleware/http';
import { placeOrderUseCase } from '../../lib/use-cases/orders/place-order';
import { placeOrderDeps } from '../../lib/wiring/orders';

const deps = placeOrderDeps();

export const handler = httpHandler(
  async (event) => {
    const { order, replayed } = await placeOrderUseCase(
      { customerId: authenticatedCustomer(event), body: event.body, idempotencyKey: parseIdempotencyKey(header(event, 'Idempotency-Key')) },
      deps,
    );
    return json(201, order, { Location: `/orders/${order.orderId}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) });
  },
  { body: true },
);
