import type { InventoryRepository } from '../../adapters/dynamodb/inventory-repository';
import type { UnitOfWork } from '../../adapters/dynamodb/transaction';
import type { Envelope } from '../../domain/events/envelope';
import { decideRelease } from '../../domain/inventory/reservation';
import { logger } from '../../observability';

/** Compensation: give back exactly what this order reserved, or leave a tombstone if it reserved nothing yet. */
export const releaseStock = async (
  event: Envelope<'order.cancelled'>,
  commit: (unit: UnitOfWork) => Promise<void>,
  deps: { inventory: InventoryRepository; now?: () => Date },
): Promise<void> => {
  const now = (deps.now ?? (() => new Date()))();
  const existing = await deps.inventory.getReservation(event.data.orderId);
  const decision = decideRelease(event, existing, now);
  if (decision.kind === 'ignore') {
    logger.info('Nothing to release', { orderId: event.data.orderId, why: decision.why });
    return commit({ writes: [], events: [] });
  }
  return commit({
    writes: [
      deps.inventory.replaceReservation(decision.reservation, decision.previous),
      ...decision.events[0].data.items.map((line) => deps.inventory.incrementStock(line.productId, line.quantity)),
    ],
    events: decision.events,
  });
};
