import { IdempotencyKeyTakenError } from '../../../platform/errors';
import { newIdempotencyRecord, replayOf, type IdempotencyRecord } from '../domain/idempotency';
import { parsePlaceOrder, placeOrder, type Order } from '../domain/order';
import { count, logger } from '../../../platform/observability';
import type { Clock, Transactions } from '../../../platform/ports';
import type { CustomerDirectory, OrdersStore } from '../ports';

export interface PlaceOrderDeps {
  orders: OrdersStore;
  /** Where a customer's orders ship by default (an order without `shipTo`). */
  customers: CustomerDirectory;
  tx: Transactions;
  sagaTimeoutSeconds: number;
  clock: Clock;
}

export interface PlaceOrderRequest {
  /** The authenticated customer (the token's subject). */
  customerId: string;
  body: unknown;
  /** The client's `Idempotency-Key`, already validated, if it sent one. */
  idempotencyKey?: string;
}

export interface PlacedOrderResult {
  order: Order;
  /** True when this answers a retry: the order was created by an earlier request with the same key. */
  replayed: boolean;
}

/**
 * POST /orders: the order, its saga state, `order.created` and, with an idempotency key, the key's
 * record, all in one transaction. If the key is already recorded (an earlier attempt committed,
 * whether or not its answer reached the client, or a concurrent attempt won), nothing is written
 * and the recorded order is the answer; the same key with another request is refused.
 */
export const placeOrderUseCase = async (request: PlaceOrderRequest, deps: PlaceOrderDeps): Promise<PlacedOrderResult> => {
  const input = parsePlaceOrder(request.body, request.customerId);
  const now = deps.clock();
  const country = input.shipTo ? undefined : await deps.customers.defaultCountry(input.customerId);
  const { result, events } = placeOrder(input, { now, sagaTimeoutSeconds: deps.sagaTimeoutSeconds, ...(country ? { defaultShipTo: { country } } : {}) });
  const writes = deps.orders.createWrites(result.order, result.saga);
  if (request.idempotencyKey) {
    writes.unshift(deps.orders.claimIdempotencyKey(newIdempotencyRecord({ key: request.idempotencyKey, input, order: result.order, now }), now));
  }
  try {
    await deps.tx.commit({ writes, events });
  } catch (error) {
    if (!(error instanceof IdempotencyKeyTakenError)) throw error;
    const order = replayOf(error.previous as IdempotencyRecord, input);
    count('OrderRequestsReplayed');
    logger.info('Order request replayed', { orderId: order.orderId, correlationId: order.sagaId });
    return { order, replayed: true };
  }
  count('SagasStarted');
  logger.info('Order placed', { orderId: result.order.orderId, correlationId: result.order.sagaId });
  return { order: result.order, replayed: false };
};
