import { reactTo, type Envelope } from '../../contracts';

/**
 * Shipping's record of one order. A shipment is booked once the order is both paid
 * (`payment.succeeded`) and its destination known (`order.created`), whichever of the two arrives
 * last: the bus may deliver them in either order. CANCELLED is final, and is also the tombstone of
 * an order cancelled before anything was booked, so a late event books nothing.
 */
export type ShipmentStatus = 'REQUESTED' | 'PAID' | 'SCHEDULED' | 'FAILED' | 'CANCELLED';
export interface Shipment {
  orderId: string;
  customerId: string;
  status: ShipmentStatus;
  /** The destination, from `order.created` (absent until it arrived, or when the order had none). */
  country?: string;
  /** What was charged, from `payment.succeeded` (carried on to confirm the order). */
  amount?: number;
  shipmentId?: string;
  carrier?: string;
  reason?: string;
  version: number;
  updatedAt: string;
}

/** Who delivers where: the carrier's list of countries (data, in carrier-countries.json). */
export interface Carrier {
  name: string;
  serves(country: string): boolean;
}

export type ShipmentDecision =
  | { kind: 'save'; shipment: Shipment; previous: Shipment | undefined; events: (Envelope<'shipment.scheduled'> | Envelope<'shipment.failed'>)[] }
  | { kind: 'ignore'; why: string };

export type CancelDecision = { kind: 'cancel'; shipment: Shipment; previous: Shipment | undefined; events: [Envelope<'shipment.cancelled'>] } | { kind: 'ignore'; why: string };

type Cause = Envelope<'order.created'> | Envelope<'payment.succeeded'>;

/** A stable shipment number per order: booking the same order twice names the same shipment. */
const shipmentIdOf = (orderId: string): string => `shp-${orderId}`;

/**
 * Book when both halves are in: the destination and the payment. The booking succeeds if the
 * carrier serves the country, else it fails with the reason (and the order is cancelled).
 */
const book = (merged: Shipment, previous: Shipment | undefined, cause: Cause, carrier: Carrier, now: Date): ShipmentDecision => {
  const base = { ...merged, version: merged.version, updatedAt: now.toISOString() };
  const { orderId, customerId } = merged;
  const amount = merged.amount!;
  if (!merged.country) {
    const reason = 'The order has no destination';
    return { kind: 'save', previous, shipment: { ...base, status: 'FAILED', reason }, events: [reactTo(cause, 'shipment.failed', { orderId, customerId, amount, reason }, base.version, now)] };
  }
  if (!carrier.serves(merged.country)) {
    const reason = `No carrier delivers to ${merged.country}`;
    return {
      kind: 'save',
      previous,
      shipment: { ...base, status: 'FAILED', reason },
      events: [reactTo(cause, 'shipment.failed', { orderId, customerId, amount, country: merged.country, reason }, base.version, now)],
    };
  }
  const shipmentId = shipmentIdOf(orderId);
  return {
    kind: 'save',
    previous,
    shipment: { ...base, status: 'SCHEDULED', shipmentId, carrier: carrier.name },
    events: [reactTo(cause, 'shipment.scheduled', { orderId, customerId, amount, country: merged.country, carrier: carrier.name, shipmentId }, base.version, now)],
  };
};

/** Step 4, on either of its two inputs: record what arrived, and book once both have. */
export const decideShipment = (cause: Cause, existing: Shipment | undefined, carrier: Carrier, now: Date): ShipmentDecision => {
  if (existing && existing.status !== 'REQUESTED' && existing.status !== 'PAID') return { kind: 'ignore', why: `already ${existing.status}` };
  const version = (existing?.version ?? 0) + 1;
  const { orderId, customerId } = cause.data;
  if (cause.type === 'order.created') {
    if (existing?.status === 'REQUESTED') return { kind: 'ignore', why: 'destination already recorded' };
    const country = cause.data.shipTo?.country;
    const merged: Shipment = { ...(existing ?? { orderId, customerId }), ...(country ? { country } : {}), status: 'REQUESTED', version, updatedAt: now.toISOString() };
    return existing?.status === 'PAID' ? book(merged, existing, cause, carrier, now) : { kind: 'save', shipment: merged, previous: existing, events: [] };
  }
  if (existing?.status === 'PAID') return { kind: 'ignore', why: 'payment already recorded' };
  const merged: Shipment = { ...(existing ?? { orderId, customerId }), amount: cause.data.amount, status: 'PAID', version, updatedAt: now.toISOString() };
  return existing?.status === 'REQUESTED' ? book(merged, existing, cause, carrier, now) : { kind: 'save', shipment: merged, previous: existing, events: [] };
};

/**
 * Compensation: cancel the booked shipment; with nothing booked, leave a CANCELLED tombstone so a
 * late `order.created` or `payment.succeeded` books nothing. Always answers `shipment.cancelled`.
 */
export const decideCancellation = (cause: Envelope<'order.cancelled'>, existing: Shipment | undefined, now: Date): CancelDecision => {
  if (existing?.status === 'CANCELLED') return { kind: 'ignore', why: 'already CANCELLED' };
  const { orderId, customerId } = cause.data;
  const version = (existing?.version ?? 0) + 1;
  const booked = existing?.status === 'SCHEDULED';
  return {
    kind: 'cancel',
    previous: existing,
    shipment: { ...(existing ?? { orderId, customerId }), status: 'CANCELLED', reason: cause.data.reason, version, updatedAt: now.toISOString() },
    events: [reactTo(cause, 'shipment.cancelled', { orderId, customerId: existing?.customerId ?? customerId, cancelled: booked, ...(existing?.shipmentId ? { shipmentId: existing.shipmentId } : {}) }, version, now)],
  };
};
