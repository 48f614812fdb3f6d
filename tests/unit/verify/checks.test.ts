/**
 * The invariant checker on hand-made books: a consistent snapshot passes, and each way the books can
 * be wrong is named, with the ids involved.
 */
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkInvariants } = require('../../../local/harness/verify/checks') as {
  checkInvariants: (snapshot: Snapshot, options?: Record<string, unknown>) => { violations: { kind: string; ids: string[] }[]; counts: Record<string, number> };
};

type Item = Record<string, unknown> & { payload?: string };
interface Snapshot {
  orders: Item[];
  sagas: Item[];
  reservations: Item[];
  payments: Item[];
  products: Item[];
  accounts: Item[];
  rewards: Item[];
  shipments: Item[];
  outboxes: Record<'orders' | 'inventory' | 'payments' | 'shipping', Item[]>;
  inboxes: Record<'orders' | 'inventory' | 'payments' | 'shipping' | 'rewards', Item[]>;
  idempotencyKeys?: Item[];
}

const NOW = Date.parse('2026-01-01T12:00:00Z');
const T0 = NOW - 60_000;

const row = (type: string, orderId: string, causationId: string | null, published = true): Item => {
  const id = randomUUID();
  return {
    id,
    type,
    aggregateId: orderId,
    sequence: 1,
    createdAt: T0,
    payload: JSON.stringify({ id, type, aggregateId: orderId, causationId }),
    ...(published ? { publishedAt: T0 + 50 } : { pendingShard: 'p1' }),
  };
};
const marker = (consumer: string, event: Item): Item => ({ pk: `${consumer}#${event.id}`, consumer, eventId: event.id, eventType: event.type });

/** A complete, consistent saga: CONFIRMED (2 × product-a at 1000, customer-a) or CANCELLED by a payment failure. */
const aSaga = (snapshot: Snapshot, outcome: 'CONFIRMED' | 'CANCELLED') => {
  const orderId = randomUUID();
  const created = row('order.created', orderId, null);
  const reserved = row('inventory.reserved', orderId, created.id as string);
  const order: Item = { orderId, customerId: 'customer-a', items: [{ productId: 'product-a', quantity: 2 }], status: outcome, deadline: new Date(NOW).toISOString(), createdAt: new Date(T0).toISOString() };
  snapshot.orders.push(order);
  snapshot.outboxes.orders.push(created);
  snapshot.outboxes.inventory.push(reserved);
  snapshot.inboxes.inventory.push(marker('reserveStock', created));
  snapshot.inboxes.shipping.push(marker('scheduleShipment', created));
  snapshot.inboxes.payments.push(marker('chargePayment', reserved));
  snapshot.inboxes.orders.push(marker('advanceSaga', reserved));
  const steps: Record<string, unknown> = {
    created: { eventId: created.id },
    inventoryReservation: { eventId: reserved.id },
  };
  if (outcome === 'CONFIRMED') {
    const succeeded = row('payment.succeeded', orderId, reserved.id as string);
    const shipped = row('shipment.scheduled', orderId, succeeded.id as string);
    const confirmed = row('order.confirmed', orderId, shipped.id as string);
    Object.assign(order, { amount: 2000 });
    snapshot.outboxes.payments.push(succeeded);
    snapshot.outboxes.shipping.push(shipped);
    snapshot.outboxes.orders.push(confirmed);
    snapshot.inboxes.orders.push(marker('advanceSaga', succeeded), marker('advanceSaga', shipped));
    snapshot.inboxes.shipping.push(marker('scheduleShipment', succeeded));
    snapshot.shipments.push({ orderId, customerId: 'customer-a', status: 'SCHEDULED', country: 'DE', amount: 2000, shipmentId: `shp-${orderId}` });
    steps.shipmentBooking = { eventId: shipped.id };
    snapshot.inboxes.rewards.push(marker('awardPoints', confirmed));
    snapshot.reservations.push({ orderId, status: 'RESERVED', items: [{ productId: 'product-a', quantity: 2, unitPrice: 1000 }], amount: 2000 });
    snapshot.payments.push({ orderId, customerId: 'customer-a', status: 'CHARGED', amount: 2000 });
    snapshot.rewards.push({ pk: `AWARD#${orderId}`, orderId, customerId: 'customer-a', points: 20 });
    // The running total's shard this order's award went to.
    snapshot.rewards.push({ pk: `CUSTOMER#customer-a#${snapshot.rewards.length % 8}`, customerId: 'customer-a', points: 20 });
    steps.paymentProcessing = { eventId: succeeded.id };
    steps.confirmation = { eventId: confirmed.id };
  } else {
    const failed = row('payment.failed', orderId, reserved.id as string);
    const cancelled = row('order.cancelled', orderId, failed.id as string);
    const released = row('inventory.released', orderId, cancelled.id as string);
    const refunded = row('payment.refunded', orderId, cancelled.id as string);
    const unshipped = row('shipment.cancelled', orderId, cancelled.id as string);
    Object.assign(order, { reason: 'Payment failed: Insufficient funds' });
    snapshot.outboxes.payments.push(failed, refunded);
    snapshot.outboxes.shipping.push(unshipped);
    snapshot.inboxes.shipping.push(marker('cancelShipment', cancelled));
    snapshot.inboxes.orders.push(marker('advanceSaga', unshipped));
    snapshot.shipments.push({ orderId, customerId: 'customer-a', status: 'CANCELLED' });
    steps.shipmentCancellation = { eventId: unshipped.id };
    snapshot.outboxes.orders.push(cancelled);
    snapshot.outboxes.inventory.push(released);
    snapshot.inboxes.orders.push(marker('advanceSaga', failed), marker('advanceSaga', released), marker('advanceSaga', refunded));
    snapshot.inboxes.inventory.push(marker('releaseStock', cancelled));
    snapshot.inboxes.payments.push(marker('refundPayment', cancelled));
    snapshot.reservations.push({ orderId, status: 'RELEASED', items: [{ productId: 'product-a', quantity: 2, unitPrice: 1000 }], amount: 2000 });
    snapshot.payments.push({ orderId, customerId: 'customer-a', status: 'FAILED', amount: 0 });
    Object.assign(steps, { paymentProcessing: { eventId: failed.id }, cancellation: { eventId: cancelled.id }, inventoryRelease: { eventId: released.id }, paymentRefund: { eventId: refunded.id } });
  }
  snapshot.sagas.push({ sagaId: randomUUID(), orderId, steps });
  return { orderId, order };
};

const anEmptySnapshot = (): Snapshot => ({
  orders: [],
  sagas: [],
  reservations: [],
  payments: [],
  products: [{ productId: 'product-a', stock: 98 }],
  accounts: [{ customerId: 'customer-a', balance: 8000 }],
  rewards: [],
  shipments: [],
  outboxes: { orders: [], inventory: [], payments: [], shipping: [] },
  inboxes: { orders: [], inventory: [], payments: [], shipping: [], rewards: [] },
});
const BASELINE = { stock: { 'product-a': 100 }, balance: { 'customer-a': 10_000 } };
const check = (snapshot: Snapshot) => checkInvariants(snapshot, { now: NOW, baseline: BASELINE });
const kinds = (snapshot: Snapshot) => check(snapshot).violations.map((v) => v.kind);

describe('checkInvariants', () => {
  let snapshot: Snapshot;
  let confirmed: { orderId: string; order: Item };
  let cancelled: { orderId: string; order: Item };
  beforeEach(() => {
    snapshot = anEmptySnapshot();
    confirmed = aSaga(snapshot, 'CONFIRMED');
    cancelled = aSaga(snapshot, 'CANCELLED');
  });

  it('finds nothing wrong with consistent books', () => {
    // Act
    const { violations, counts } = check(snapshot);

    // Assess
    expect(violations).toEqual([]);
    expect(counts).toMatchObject({ orders: 2, confirmed: 1, cancelled: 1, pending: 0 });
  });

  it('flags an order left PENDING past its deadline, not one still within it', () => {
    // Prepare
    confirmed.order.status = 'PENDING';
    confirmed.order.deadline = new Date(NOW - 5 * 60_000).toISOString();
    cancelled.order.status = 'PENDING';
    cancelled.order.deadline = new Date(NOW + 60_000).toISOString();

    // Act
    const found = check(snapshot).violations.filter((v) => v.kind === 'pending-past-deadline');

    // Assess
    expect(found.map((v) => v.ids)).toEqual([[confirmed.orderId]]);
  });

  it('flags a confirmed order that was never charged, and the ledger that no longer adds up', () => {
    // Prepare
    snapshot.payments.find((p) => p.orderId === confirmed.orderId)!.status = 'FAILED';

    // Assess
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['confirmed-not-charged', 'money-held']));
  });

  it('flags a cancelled order that still holds stock or money, or lacks a compensation step', () => {
    // Prepare
    snapshot.reservations.find((r) => r.orderId === cancelled.orderId)!.status = 'RESERVED';
    delete (snapshot.sagas.find((s) => s.orderId === cancelled.orderId)!.steps as Record<string, unknown>).paymentRefund;

    // Assess
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['cancelled-stock-held', 'compensation-unrecorded', 'stock-held']));
  });

  it('flags stock and balances that disagree with the baseline, and negative figures', () => {
    // Prepare
    snapshot.products[0]!.stock = 97;
    snapshot.accounts[0]!.balance = -1;

    // Assess
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['stock-ledger', 'balance-ledger', 'negative-balance']));
  });

  it('adds a product\'s stock up over its shards, and flags a negative shard and units in a shard no reservation reads', () => {
    // Prepare: the 98 units of product-a spread over three shards.
    snapshot.products = [
      { productId: 'product-a', stock: 30, shards: 3 },
      { productId: 'product-a#1', shardOf: 'product-a', shard: 1, stock: 34 },
      { productId: 'product-a#2', shardOf: 'product-a', shard: 2, stock: 34 },
    ];
    const sharded = kinds(snapshot);
    snapshot.products[1]!.stock = -1;
    snapshot.products[2]!.stock = 69;
    const negative = kinds(snapshot);
    snapshot.products[1]!.stock = 34;
    snapshot.products[2]!.stock = 34;
    snapshot.products.push({ productId: 'product-a#3', shardOf: 'product-a', shard: 3, stock: 2 });
    const uncounted = kinds(snapshot);

    // Assess
    expect(sharded).toEqual([]);
    expect(negative).toEqual(['negative-stock']);
    expect(uncounted).toEqual(['stock-uncounted']);
  });

  it('flags a running total of points, over its shards, that its ledger of awards does not add up to', () => {
    // Prepare
    snapshot.rewards.push({ pk: 'CUSTOMER#customer-a#7', customerId: 'customer-a', points: 5 });

    // Assess
    expect(kinds(snapshot)).toEqual(['points-ledger']);
  });

  it('flags a second charge and a second award', () => {
    // Prepare
    const reserved = snapshot.outboxes.inventory.find((r) => r.aggregateId === confirmed.orderId && r.type === 'inventory.reserved')!;
    snapshot.outboxes.payments.push(row('payment.succeeded', confirmed.orderId, reserved.id as string));
    snapshot.rewards.find((r) => r.orderId === confirmed.orderId)!.points = 40;

    // Assess
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['charged-not-once', 'awarded-wrong-points']));
  });

  it('flags unpublishable outbox rows, and rows unpublished longer than the sweeper window', () => {
    // Prepare
    snapshot.outboxes.orders.push({ ...row('order.created', confirmed.orderId, null, false), createdAt: NOW - 10 * 60_000 });
    snapshot.outboxes.orders.push({ ...row('order.created', confirmed.orderId, null, false), createdAt: NOW - 1_000 });
    snapshot.outboxes.inventory.push({ ...row('inventory.released', cancelled.orderId, null, false), createdAt: NOW - 1_000, unpublishableReason: 'broken' });

    // Act
    const found = check(snapshot).violations;

    // Assess
    expect(found.filter((v) => v.kind === 'outbox-unpublished')).toHaveLength(1);
    expect(found.filter((v) => v.kind === 'outbox-unpublishable')).toHaveLength(1);
  });

  it('flags an effect without its marker and a marker without its effect', () => {
    // Prepare: payments' marker for the confirmed order's inventory.reserved is lost; rewards' award is lost.
    snapshot.inboxes.payments = snapshot.inboxes.payments.filter((m) => m.consumer !== 'chargePayment' || !snapshot.outboxes.inventory.some((r) => r.id === m.eventId && r.aggregateId === confirmed.orderId));
    snapshot.rewards = snapshot.rewards.filter((r) => r.orderId !== confirmed.orderId);

    // Act
    const found = check(snapshot).violations;

    // Assess
    expect(found.find((v) => v.kind === 'effect-without-marker')?.ids).toContain(confirmed.orderId);
    expect(found.find((v) => v.kind === 'marker-without-effect')?.ids).toContain(confirmed.orderId);
  });

  it('flags an Idempotency-Key that maps to two orders', () => {
    // Prepare
    snapshot.idempotencyKeys = [
      { pk: 'customer-a#key-1', orderId: confirmed.orderId },
      { pk: 'customer-a#key-1', orderId: cancelled.orderId },
    ];

    // Assess
    expect(kinds(snapshot)).toContain('key-many-orders');
  });

  it('flags a shipment still booked for a cancelled order, and a confirmed order that never shipped (shipping\'s own invariants)', () => {
    // Prepare
    snapshot.shipments.find((x) => x.orderId === cancelled.orderId)!.status = 'SCHEDULED';
    snapshot.shipments.find((x) => x.orderId === confirmed.orderId)!.status = 'FAILED';

    // Assess
    expect(kinds(snapshot)).toEqual(expect.arrayContaining(['cancelled-still-shipping', 'confirmed-not-shipped']));
  });

  it('never passes a marker of a consumer it has no invariants for', () => {
    // Prepare: a marker left by a consumer the declaration does not know.
    const created = snapshot.outboxes.orders.find((r) => r.aggregateId === confirmed.orderId && r.type === 'order.created')!;
    snapshot.inboxes.shipping.push(marker('labelParcel', created));

    // Act
    const found = check(snapshot).violations;

    // Assess
    expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'marker-without-effect', ids: [created.id, confirmed.orderId] })]));
  });

  it('has the invariants of every service of the declaration, each kept with its service', () => {
    // Prepare
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { topology, invariants } = require('../../../lib/services/verify') as typeof import('../../../lib/services/verify');

    // Assess
    for (const service of topology.serviceNames) expect({ service, has: Boolean(invariants[service]) }).toEqual({ service, has: true });
    for (const consumer of topology.consumerNames) expect({ consumer, has: typeof invariants[topology.serviceOf(consumer)].effects[consumer] }).toEqual({ consumer, has: 'function' });
  });
});
