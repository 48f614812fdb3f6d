import { decideRelease, takesOf } from '../domain/reservation';
import { commitStep } from '../../../platform/participant-step';
import type { Clock, Commit } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type InventoryStore } from '../ports';

/** Compensation: give back exactly what this order reserved, or leave a tombstone if it reserved nothing yet. */
export const releaseStock = async (event: Envelope<'order.cancelled'>, commit: Commit, deps: { inventory: InventoryStore; clock: Clock }): Promise<void> => {
  const existing = await deps.inventory.getReservation(event.data.orderId);
  const decision = decideRelease(event, existing, deps.clock());
  const plan =
    decision.kind === 'ignore'
      ? decision
      : {
          kind: 'commit' as const,
          unit: {
            writes: [
              deps.inventory.replaceReservation(decision.reservation, decision.previous),
              // Back to the shards the units came from.
              ...(decision.previous?.status === 'RESERVED' ? decision.previous.items : []).flatMap((line) => takesOf(line).map((take) => deps.inventory.incrementStock(line.productId, take))),
            ],
            events: decision.events,
          },
        };
  return commitStep(plan, commit, { step: 'releaseStock', orderId: event.data.orderId });
};
