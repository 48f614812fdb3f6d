import { type AnyEnvelope, type Envelope, reactTo } from '../../contracts';
import { allocate, homeShard, shardsPerLine, type ShardTake } from './stock';

export interface Product {
  productId: string;
  name?: string;
  price: number;
  /** Available now, over every shard. */
  stock: number;
  /** Available now per shard (shard 0 first); absent for a product of one shard. */
  shards?: number[];
}

export interface ReservedLine {
  productId: string;
  quantity: number;
  unitPrice: number;
  /** The shards the units came from, so that a release gives them back there; absent: shard 0 (reserved before sharding). */
  from?: ShardTake[];
}

/** Where a reserved line's units go back to. */
export const takesOf = (line: Pick<ReservedLine, 'quantity' | 'from'>): ShardTake[] => line.from ?? [{ shard: 0, quantity: line.quantity }];
const shardStocks = (product: Product): number[] => product.shards ?? [product.stock];

/**
 * Inventory's record of one order. CANCELLED without a prior reservation is a tombstone: the
 * cancellation arrived first, and a late `order.created` must not reserve anything.
 */
export type ReservationStatus = 'RESERVED' | 'FAILED' | 'RELEASED' | 'CANCELLED';
export interface Reservation {
  orderId: string;
  customerId?: string;
  status: ReservationStatus;
  items: ReservedLine[];
  amount: number;
  reason?: string;
  /** Sequence of the last event inventory emitted for this order. */
  version: number;
  updatedAt: string;
}

export type ReserveDecision =
  | { kind: 'reserve'; reservation: Reservation; events: [Envelope<'inventory.reserved'>] }
  | { kind: 'fail'; reservation: Reservation; events: [Envelope<'inventory.reservation.failed'>] }
  /** A line's units are spread over more shards than it may take from: gather them first, then decide again. */
  | { kind: 'consolidate'; productId: string; into: number; moves: ShardTake[] }
  | { kind: 'ignore'; why: string };

export type ReleaseDecision =
  | { kind: 'release'; reservation: Reservation; previous: Reservation | undefined; events: [Envelope<'inventory.released'>] }
  | { kind: 'ignore'; why: string };

export const failReservation = (
  cause: Envelope<'order.created'>,
  reason: string,
  now: Date,
): Extract<ReserveDecision, { kind: 'fail' }> => {
  const { orderId, customerId } = cause.data;
  return {
    kind: 'fail',
    reservation: { orderId, customerId, status: 'FAILED', items: [], amount: 0, reason, version: 1, updatedAt: now.toISOString() },
    events: [reactTo(cause, 'inventory.reservation.failed', { orderId, customerId, reason }, 1, now)],
  };
};

/** Step 2: reserve every line or none, priced from the catalogue inventory owns. */
export const decideReservation = (
  cause: Envelope<'order.created'>,
  products: ReadonlyMap<string, Product>,
  existing: Reservation | undefined,
  now: Date,
): ReserveDecision => {
  if (existing) {
    return { kind: 'ignore', why: existing.status === 'CANCELLED' ? 'order was cancelled before it reached inventory' : `already ${existing.status}` };
  }
  const { orderId, customerId, items, deadline } = cause.data;
  // Late work must not outlive its saga: after the deadline the watchdog cancels (or has cancelled)
  // the order, so a reservation now would hold stock for a dead order. The FAILED record this
  // leaves also refuses any later delivery of the same order.
  if (Date.parse(deadline) <= now.getTime()) return failReservation(cause, `Saga deadline ${deadline} passed`, now);
  const unknown = items.find((line) => !products.has(line.productId));
  if (unknown) return failReservation(cause, `Unknown product: ${unknown.productId}`, now);
  // Out of stock only when the shards together lack the quantity.
  const perLine = shardsPerLine(items.length);
  const lines: ReservedLine[] = [];
  for (const line of items) {
    const product = products.get(line.productId)!;
    const stocks = shardStocks(product);
    const allocation = allocate(stocks, line.quantity, homeShard(orderId, line.productId, stocks.length), perLine);
    if (allocation.kind === 'short') return failReservation(cause, `Insufficient stock for ${line.productId}`, now);
    if (allocation.kind === 'consolidate') return { kind: 'consolidate', productId: line.productId, into: allocation.into, moves: allocation.moves };
    lines.push({ ...line, unitPrice: product.price, from: allocation.takes });
  }
  const priced = lines.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice }));
  const amount = priced.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  return {
    kind: 'reserve',
    reservation: { orderId, customerId, status: 'RESERVED', items: lines, amount, version: 1, updatedAt: now.toISOString() },
    events: [reactTo(cause, 'inventory.reserved', { orderId, customerId, items: priced, amount, deadline }, 1, now)],
  };
};

/** Compensation: give back exactly what was reserved for the order; nothing reserved, nothing released. */
export const decideRelease = (cause: Envelope<'order.cancelled'>, existing: Reservation | undefined, now: Date): ReleaseDecision => {
  const { orderId } = cause.data;
  if (existing && (existing.status === 'RELEASED' || existing.status === 'CANCELLED')) {
    return { kind: 'ignore', why: `already ${existing.status}` };
  }
  const released = existing?.status === 'RESERVED' ? existing.items.map(({ productId, quantity }) => ({ productId, quantity })) : [];
  const version = (existing?.version ?? 0) + 1;
  return {
    kind: 'release',
    previous: existing,
    reservation: {
      orderId,
      customerId: existing?.customerId ?? cause.data.customerId,
      status: released.length ? 'RELEASED' : 'CANCELLED',
      items: existing?.items ?? [],
      amount: existing?.amount ?? 0,
      ...(existing?.reason ? { reason: existing.reason } : {}),
      version,
      updatedAt: now.toISOString(),
    },
    events: [reactTo(cause as AnyEnvelope, 'inventory.released', { orderId, items: released }, version, now)],
  };
};
