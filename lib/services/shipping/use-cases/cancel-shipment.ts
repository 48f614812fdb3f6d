import { commitStep } from '../../../platform/participant-step';
import type { Clock, Commit } from '../../../platform/ports';
import type { Envelope } from '../../contracts';
import { decideCancellation } from '../domain/shipment';
import type { ShippingStore } from '../ports';

/** Compensation: cancel the booked shipment of a cancelled order (or leave a tombstone). */
export const cancelShipment = async (event: Envelope<'order.cancelled'>, commit: Commit, deps: { shipping: ShippingStore; clock: Clock }): Promise<void> => {
  const existing = await deps.shipping.getShipment(event.data.orderId);
  const decision = decideCancellation(event, existing, deps.clock());
  const plan = decision.kind === 'ignore' ? decision : { kind: 'commit' as const, unit: { writes: [deps.shipping.saveShipment(decision.shipment, decision.previous)], events: decision.events } };
  return commitStep(plan, commit, { step: 'cancelShipment', orderId: event.data.orderId });
};
