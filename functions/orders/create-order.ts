import { parseIdempotencyKey } from '../../lib/services/orders/domain/idempotency';
import { authenticatedCustomer, header, httpHandler, json } from '../../lib/platform/middleware/http';
import { placeOrderUseCase } from '../../lib/services/orders/use-cases/place-order';
import { placeOrderDeps } from '../../lib/services/orders/wiring';

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
