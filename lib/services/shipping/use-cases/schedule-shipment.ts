import { commitStep } from '../../../platform/participant-step';
import type { Clock, Commit } from '../../../platform/ports';
import type { Envelope } from '../../contracts';
import { decideShipment, type Carrier } from '../domain/shipment';
import type { ShippingStore } from '../ports';

/** Step 4: book the shipment to the order's destination once it is paid (either input may come first). */
export const scheduleShipment = async (
  event: Envelope<'order.created'> | Envelope<'payment.succeeded'>,
  commit: Commit,
  deps: { shipping: ShippingStore; carrier: Carrier; clock: Clock },
): Promise<void> => {
  const existing = await deps.shipping.getShipment(event.data.orderId);
  const decision = decideShipment(event, existing, deps.carrier, deps.clock());
  const plan = decision.kind === 'ignore' ? decision : { kind: 'commit' as const, unit: { writes: [deps.shipping.saveShipment(decision.shipment, decision.previous)], events: decision.events } };
  return commitStep(plan, commit, { step: 'scheduleShipment', orderId: event.data.orderId });
};
