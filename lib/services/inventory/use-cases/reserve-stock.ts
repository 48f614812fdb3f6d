import { ConflictError } from '../../../platform/errors';
import { decideReservation, type Reservation } from '../domain/reservation';
import { commitStep, type StepPlan } from '../../../platform/participant-step';
import type { Clock, Commit, UnitOfWork } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type InventoryStore } from '../ports';

/**
 * Step 2 of the saga. The conditional decrements, not the read, are what prevent overselling. A
 * shard that holds less than was read is not an answer (other shards may hold the units): the
 * decrement's `ConflictError` makes the consumer run this again on fresh stock, and only the shards
 * together lacking the quantity fail the reservation.
 */
export const reserveStock = async (event: Envelope<'order.created'>, commit: Commit, deps: { inventory: InventoryStore; clock: Clock }): Promise<void> => {
  const now = deps.clock();
  const { orderId, items } = event.data;
  const [existing, products] = await Promise.all([
    deps.inventory.getReservation(orderId),
    deps.inventory.getProducts(items.map((line) => line.productId)),
  ]);
  const decision = decideReservation(event, products, existing, now);
  const failure = (reservation: Reservation, events: UnitOfWork['events']): UnitOfWork => ({ writes: [deps.inventory.putNewReservation(reservation)], events });
  if (decision.kind === 'consolidate') {
    // Rare: the units are there, but spread over more shards than one transaction may touch.
    await deps.inventory.consolidate(decision.productId, decision.into, decision.moves);
    throw new ConflictError(`Stock of ${decision.productId} gathered into shard ${decision.into}; reserving again`);
  }
  const plan: StepPlan = (() => {
    switch (decision.kind) {
      case 'ignore':
        return decision;
      case 'fail':
        return { kind: 'commit', unit: failure(decision.reservation, decision.events) };
      case 'reserve':
        return {
          kind: 'commit',
          unit: {
            writes: [
              deps.inventory.putNewReservation(decision.reservation),
              ...decision.reservation.items.flatMap((line) => (line.from ?? []).map((take) => deps.inventory.decrementStock(line.productId, take))),
            ],
            events: decision.events,
          },
        };
    }
  })();
  return commitStep(plan, commit, { step: 'reserveStock', orderId });
};
