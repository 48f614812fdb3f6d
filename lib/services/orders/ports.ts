import type { SagaWatchStore, TxWrite } from '../../platform/ports';
import type { SagaState } from '../../platform/saga/state';
import type { IdempotencyRecord } from './domain/idempotency';
import type { Order } from './domain/order';
import type { OrderReaction } from './domain/transitions';

/** What the orders service's use cases need from its storage; the watchdog's part is the platform's. */
export interface OrdersStore extends SagaWatchStore {
  getOrder(orderId: string): Promise<Order | undefined>;
  createWrites(order: Order, saga: SagaState): TxWrite[];
  /**
   * Records a customer's idempotency key in the order's transaction. Refused with
   * `IdempotencyKeyTakenError` (carrying the record that holds it) while an unexpired record exists.
   */
  claimIdempotencyKey(record: IdempotencyRecord, now: Date): TxWrite;
  reactionWrites(orderId: string, reaction: OrderReaction): TxWrite[];
}

/**
 * The customer's default destination country, read from their account (the one place it is kept).
 * Undefined for an unknown customer or an account without one: the order then names no
 * destination, and the saga ends as it would have without one (the charge refuses an unknown
 * account first).
 */
export interface CustomerDirectory {
  defaultCountry(customerId: string): Promise<string | undefined>;
}
