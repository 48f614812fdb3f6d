import { decideReservation, failReservation, type Reservation } from '../domain/reservation';
import { commitStep, type StepPlan } from '../../../platform/participant-step';
import type { Clock, Commit, UnitOfWork } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type InventoryStore } from '../ports';

/** Step 2 of the saga. The conditional decrements, not the read, are what prevent overselling. */
export const reserveStock = async (event: Envelope<'order.created'>, commit: Commit, deps: { inventory: InventoryStore; clock: Clock }): Promise<void> => {
  const now = deps.clock();
  const { orderId, items } = event.data;
  const [existing, products] = await Promise.all([
    deps.inventory.getReservation(orderId),
    deps.inventory.getProducts(items.map((line) => line.productId)),
  ]);
  const decision = decideReservation(event, products, existing, now);
  const failure = (reservation: Reservation, events: UnitOfWork['events']): UnitOfWork => ({ writes: [deps.inventory.putNewReservation(reservation)], events });
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
            writes: [deps.inventory.putNewReservation(decision.reservation), ...items.map((l) => deps.inventory.decrementStock(l.productId, l.quantity))],
            events: decision.events,
          },
          // Stock moved between the read and the write (a concurrent order won): all-or-nothing.
          onShortfall: (error) => {
            const failed = failReservation(event, error.message, now);
            return failure(failed.reservation, failed.events);
          },
        };
    }
  })();
  return commitStep(plan, commit, { step: 'reserveStock', orderId });
};
