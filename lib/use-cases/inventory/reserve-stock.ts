import type { InventoryRepository } from '../../adapters/dynamodb/inventory-repository';
import type { UnitOfWork } from '../../adapters/dynamodb/transaction';
import type { Envelope } from '../../domain/events/envelope';
import { decideReservation, failReservation, InsufficientStockError } from '../../domain/inventory/reservation';
import { logger } from '../../observability';

type Commit = (unit: UnitOfWork) => Promise<void>;

/** Step 2 of the saga. The conditional decrements, not the read, are what prevent overselling. */
export const reserveStock = async (event: Envelope<'order.created'>, commit: Commit, deps: { inventory: InventoryRepository; now?: () => Date }): Promise<void> => {
  const now = (deps.now ?? (() => new Date()))();
  const { orderId, items } = event.data;
  const [existing, products] = await Promise.all([
    deps.inventory.getReservation(orderId),
    deps.inventory.getProducts(items.map((line) => line.productId)),
  ]);
  const decision = decideReservation(event, products, existing, now);
  switch (decision.kind) {
    case 'ignore':
      logger.info('Reservation not made', { orderId, why: decision.why });
      return commit({ writes: [], events: [] });
    case 'fail':
      return commit({ writes: [deps.inventory.putNewReservation(decision.reservation)], events: decision.events });
    case 'reserve':
      try {
        return await commit({
          writes: [deps.inventory.putNewReservation(decision.reservation), ...items.map((l) => deps.inventory.decrementStock(l.productId, l.quantity))],
          events: decision.events,
        });
      } catch (error) {
        // Stock moved between the read and the write (a concurrent order won): all-or-nothing.
        if (!(error instanceof InsufficientStockError)) throw error;
        const failed = failReservation(event, error.message, now);
        return commit({ writes: [deps.inventory.putNewReservation(failed.reservation)], events: failed.events });
      }
  }
};
