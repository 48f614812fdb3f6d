'use strict';
/**
 * The saga's books, checked from the state the services left behind. Pure: it takes a snapshot of
 * every table (plain objects) and returns the violations, each with the ids involved. What it
 * checks is the design's invariants:
 *  1. every order is CONFIRMED or CANCELLED (none PENDING past its deadline plus the watchdog's period);
 *  2. CONFIRMED ⇒ reserved once, charged once, points awarded once; CANCELLED ⇒ nothing held, nothing
 *     charged, both compensation steps recorded;
 *  3. per product and per customer, the ledger adds up (against a baseline when there is one) and
 *     nothing is negative;
 *  4. every outbox row published, none unpublishable, none unpublished longer than the sweeper's window;
 *  5. every Idempotency-Key maps to exactly one existing order;
 *  6. no effect without its processed marker, no marker without its effect.
 */

const CONSUMERS_BY_SERVICE = {
  orders: ['advanceSaga'],
  inventory: ['reserveStock', 'releaseStock'],
  payments: ['chargePayment', 'refundPayment'],
  rewards: ['awardPoints'],
};

/** Which consumer of a service reacts to which event type (its outbox rows are caused by those). */
const CONSUMER_OF = {
  inventory: { 'order.created': 'reserveStock', 'order.cancelled': 'releaseStock' },
  payments: { 'inventory.reserved': 'chargePayment', 'order.cancelled': 'refundPayment' },
  orders: {
    'inventory.reserved': 'advanceSaga',
    'inventory.reservation.failed': 'advanceSaga',
    'inventory.released': 'advanceSaga',
    'payment.succeeded': 'advanceSaga',
    'payment.failed': 'advanceSaga',
    'payment.refunded': 'advanceSaga',
  },
};

/** Saga steps the orders service writes about its own events (not in reaction to a consumed one). */
const OWN_STEPS = new Set(['created', 'confirmation', 'cancellation', 'timeout']);

const pointsFor = (amountInCents) => Math.floor(amountInCents / 100);

const parse = (row) => {
  try {
    return JSON.parse(row.payload);
  } catch {
    return undefined;
  }
};

/**
 * @param {object} snapshot plain items of every table: orders, sagas, reservations, payments,
 *   products, accounts, rewards, outboxes { orders, inventory, payments }, inboxes { orders,
 *   inventory, payments, rewards }, idempotencyKeys (optional), deadLetters (optional)
 * @param {object} [options]
 * @param {number} [options.now] epoch ms of the check
 * @param {number} [options.watchdogPeriodMs] how late after its deadline a PENDING order may still be
 * @param {number} [options.sweeperWindowMs] how long a row may stay unpublished (grace + interval)
 * @param {{ stock: Record<string, number>, balance: Record<string, number> }} [options.baseline]
 *   stock and balances before the run; with it the ledger is checked in absolute terms
 * @param {(order) => boolean} [options.inScope] which orders this run is about (default: all)
 * @param {Set<string>} [options.excusedLostOrders] orders acknowledged but lost by a DynamoDB Local
 *   kill -9 (counted apart by the caller, never here)
 */
const checkInvariants = (snapshot, options = {}) => {
  const now = options.now ?? Date.now();
  const watchdogPeriodMs = options.watchdogPeriodMs ?? 60_000;
  const sweeperWindowMs = options.sweeperWindowMs ?? 90_000;
  const inScope = options.inScope ?? (() => true);
  const violations = [];
  const add = (kind, message, ids) => violations.push({ kind, message, ids });

  const orders = snapshot.orders.filter(inScope);
  const orderIds = new Set(orders.map((o) => o.orderId));
  const byOrder = (items) => new Map(items.map((i) => [i.orderId, i]));
  const sagas = byOrder(snapshot.sagas);
  const reservations = byOrder(snapshot.reservations);
  const payments = byOrder(snapshot.payments);
  const awards = new Map(snapshot.rewards.filter((r) => String(r.pk).startsWith('AWARD#')).map((r) => [r.orderId, r]));

  const allRows = Object.entries(snapshot.outboxes).flatMap(([service, rows]) => rows.map((row) => ({ service, row, event: parse(row) })));
  const rowById = new Map(allRows.map((r) => [r.row.id, r]));
  const rowsOf = new Map();
  for (const entry of allRows) {
    if (!orderIds.has(entry.row.aggregateId)) continue;
    rowsOf.set(entry.row.aggregateId, [...(rowsOf.get(entry.row.aggregateId) ?? []), entry]);
  }
  const markers = new Map();
  for (const [service, items] of Object.entries(snapshot.inboxes)) {
    for (const m of items) markers.set(m.pk, { ...m, service });
  }
  const hasMarker = (consumer, eventId) => markers.has(`${consumer}#${eventId}`);

  // 1 and 2: every order ends, and its end is consistent with every participant's records.
  for (const order of orders) {
    const { orderId } = order;
    const saga = sagas.get(orderId);
    const reservation = reservations.get(orderId);
    const payment = payments.get(orderId);
    const award = awards.get(orderId);
    if (!saga) add('saga-missing', `order ${orderId} has no saga state`, [orderId]);
    if (order.status === 'PENDING') {
      if (Date.parse(order.deadline) + watchdogPeriodMs < now) add('pending-past-deadline', `order ${orderId} is PENDING past its deadline ${order.deadline}`, [orderId]);
      continue;
    }
    if (order.status === 'CONFIRMED') {
      if (reservation?.status !== 'RESERVED') add('confirmed-not-reserved', `CONFIRMED order ${orderId} has reservation ${reservation?.status ?? 'none'}`, [orderId]);
      if (payment?.status !== 'CHARGED') add('confirmed-not-charged', `CONFIRMED order ${orderId} has payment ${payment?.status ?? 'none'}`, [orderId]);
      else if (payment.amount !== order.amount) add('charged-wrong-amount', `order ${orderId} charged ${payment.amount}, confirmed for ${order.amount}`, [orderId]);
      if (reservation?.status === 'RESERVED' && reservation.amount !== order.amount) add('reserved-wrong-amount', `order ${orderId} reserved ${reservation.amount}, confirmed for ${order.amount}`, [orderId]);
      if (!award) add('confirmed-not-awarded', `CONFIRMED order ${orderId} has no points award`, [orderId]);
      else if (award.points !== pointsFor(order.amount)) add('awarded-wrong-points', `order ${orderId} awarded ${award.points} points for ${order.amount}`, [orderId]);
      const charges = (rowsOf.get(orderId) ?? []).filter((r) => r.row.type === 'payment.succeeded').length;
      const reserves = (rowsOf.get(orderId) ?? []).filter((r) => r.row.type === 'inventory.reserved').length;
      if (charges !== 1) add('charged-not-once', `order ${orderId} has ${charges} payment.succeeded events`, [orderId]);
      if (reserves !== 1) add('reserved-not-once', `order ${orderId} has ${reserves} inventory.reserved events`, [orderId]);
    } else if (order.status === 'CANCELLED') {
      if (reservation?.status === 'RESERVED') add('cancelled-stock-held', `CANCELLED order ${orderId} still holds its reservation`, [orderId]);
      if (payment?.status === 'CHARGED') add('cancelled-still-charged', `CANCELLED order ${orderId} is still charged ${payment.amount}`, [orderId]);
      if (award) add('cancelled-awarded', `CANCELLED order ${orderId} was awarded points`, [orderId]);
      for (const step of ['inventoryRelease', 'paymentRefund']) {
        if (saga && !saga.steps?.[step]) add('compensation-unrecorded', `CANCELLED order ${orderId} has no ${step} step`, [orderId]);
      }
    } else {
      add('unknown-status', `order ${orderId} has status ${order.status}`, [orderId]);
    }
  }

  // 3: the ledger. Stock held = lines of RESERVED reservations; money taken = CHARGED payments.
  const addTo = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  const heldStock = new Map();
  const confirmedQty = new Map();
  const taken = new Map();
  const confirmedAmount = new Map();
  for (const r of snapshot.reservations) if (r.status === 'RESERVED') for (const line of r.items) addTo(heldStock, line.productId, line.quantity);
  for (const p of snapshot.payments) if (p.status === 'CHARGED') addTo(taken, p.customerId, p.amount);
  for (const o of snapshot.orders) {
    if (o.status !== 'CONFIRMED') continue;
    addTo(confirmedAmount, o.customerId, o.amount ?? 0);
    for (const line of o.items) addTo(confirmedQty, line.productId, line.quantity);
  }
  /** One counter per item (stock of a product, balance of a customer): never negative, and what confirmed orders took. */
  const checkLedger = ({ items, idKey, figure, what, baseline, confirmed, held, heldLabel, kinds }) => {
    for (const item of items) {
      const id = item[idKey];
      if (item[figure] < 0) add(kinds.negative, `${what} ${id} has ${figure} ${item[figure]}`, [id]);
      const base = baseline?.[id];
      if (base === undefined) continue;
      const used = confirmed.get(id) ?? 0;
      const expected = base - used;
      if (item[figure] !== expected) add(kinds.ledger, `${what} ${id}: ${figure} ${item[figure]}, expected ${base} − ${used} confirmed = ${expected}`, [id]);
      if ((held.get(id) ?? 0) !== used) add(kinds.held, `${what} ${id}: ${held.get(id) ?? 0} ${heldLabel}, ${used} confirmed`, [id]);
    }
  };
  checkLedger({
    items: snapshot.products,
    idKey: 'productId',
    figure: 'stock',
    what: 'product',
    baseline: options.baseline?.stock,
    confirmed: confirmedQty,
    held: heldStock,
    heldLabel: 'units held by reservations',
    kinds: { negative: 'negative-stock', ledger: 'stock-ledger', held: 'stock-held' },
  });
  checkLedger({
    items: snapshot.accounts,
    idKey: 'customerId',
    figure: 'balance',
    what: 'customer',
    baseline: options.baseline?.balance,
    confirmed: confirmedAmount,
    held: taken,
    heldLabel: 'charged',
    kinds: { negative: 'negative-balance', ledger: 'balance-ledger', held: 'money-held' },
  });

  // 4: the outboxes.
  for (const { service, row } of allRows) {
    if (!orderIds.has(row.aggregateId)) continue;
    if (row.unpublishableReason) add('outbox-unpublishable', `${service} outbox row ${row.id} (${row.type}) cannot be published: ${row.unpublishableReason}`, [row.id, row.aggregateId]);
    else if (row.publishedAt === undefined) {
      const age = now - row.createdAt;
      if (age > sweeperWindowMs) add('outbox-unpublished', `${service} outbox row ${row.id} (${row.type}) unpublished for ${Math.round(age / 1000)} s`, [row.id, row.aggregateId]);
    }
  }

  // 5: Idempotency-Keys.
  const keyOrders = new Map();
  for (const key of snapshot.idempotencyKeys ?? []) {
    const id = key.pk ?? key.key;
    keyOrders.set(id, [...(keyOrders.get(id) ?? []), key.orderId]);
    if (key.orderId && !snapshot.orders.some((o) => o.orderId === key.orderId)) add('key-without-order', `Idempotency-Key ${id} points at missing order ${key.orderId}`, [id, key.orderId]);
  }
  const keysOfOrder = new Map();
  for (const [key, ids] of keyOrders) {
    if (new Set(ids).size !== 1) add('key-many-orders', `Idempotency-Key ${key} maps to ${ids.length} orders`, [key, ...ids]);
    for (const id of ids) keysOfOrder.set(id, [...(keysOfOrder.get(id) ?? []), key]);
  }

  // 6: effects and markers agree. An outbox row caused by a consumed event needs that consumer's marker.
  for (const { service, row, event } of allRows) {
    if (!orderIds.has(row.aggregateId) || !event?.causationId) continue;
    const causeType = rowById.get(event.causationId)?.row.type;
    const consumer = causeType && CONSUMER_OF[service]?.[causeType];
    if (!consumer) continue;
    if (!hasMarker(consumer, event.causationId)) add('effect-without-marker', `${service} emitted ${row.type} ${row.id} for ${event.causationId} without a ${consumer} marker`, [row.id, event.causationId, row.aggregateId]);
  }
  for (const order of orders) {
    const saga = sagas.get(order.orderId);
    for (const [name, step] of Object.entries(saga?.steps ?? {})) {
      if (OWN_STEPS.has(name) || !step.eventId) continue;
      if (!hasMarker('advanceSaga', step.eventId)) add('effect-without-marker', `saga of ${order.orderId} recorded ${name} from ${step.eventId} without an advanceSaga marker`, [order.orderId, step.eventId]);
    }
    const award = awards.get(order.orderId);
    if (award) {
      const confirmed = (rowsOf.get(order.orderId) ?? []).find((r) => r.row.type === 'order.confirmed');
      if (!confirmed || !hasMarker('awardPoints', confirmed.row.id)) add('effect-without-marker', `points for ${order.orderId} without an awardPoints marker`, [order.orderId]);
    }
  }
  const effectsOf = new Map();
  for (const r of allRows) if (r.event?.causationId) effectsOf.set(r.event.causationId, [...(effectsOf.get(r.event.causationId) ?? []), r]);
  for (const marker of markers.values()) {
    const cause = rowById.get(marker.eventId);
    if (!cause || !orderIds.has(cause.row.aggregateId)) continue;
    const orderId = cause.row.aggregateId;
    const effects = (effectsOf.get(marker.eventId) ?? []).filter((r) => CONSUMERS_BY_SERVICE[r.service]?.includes(marker.consumer));
    const ok = (() => {
      switch (marker.consumer) {
        case 'reserveStock':
          // Ignored (a tombstone was there first) or reserved/failed: either way inventory has a record.
          return reservations.has(orderId);
        case 'chargePayment':
          return payments.has(orderId);
        case 'releaseStock':
          return effects.length > 0 || ['RELEASED', 'CANCELLED'].includes(reservations.get(orderId)?.status);
        case 'refundPayment':
          return effects.length > 0 || ['REFUNDED', 'CANCELLED'].includes(payments.get(orderId)?.status);
        case 'awardPoints':
          return awards.has(orderId);
        case 'advanceSaga':
          return Object.values(sagas.get(orderId)?.steps ?? {}).some((step) => step.eventId === marker.eventId);
        default:
          return true;
      }
    })();
    if (!ok) add('marker-without-effect', `${marker.consumer} marked ${marker.eventType} ${marker.eventId} of ${orderId} processed, but its effect is missing`, [marker.eventId, orderId]);
  }

  return {
    violations,
    counts: {
      orders: orders.length,
      confirmed: orders.filter((o) => o.status === 'CONFIRMED').length,
      cancelled: orders.filter((o) => o.status === 'CANCELLED').length,
      pending: orders.filter((o) => o.status === 'PENDING').length,
      outboxRows: allRows.filter((r) => orderIds.has(r.row.aggregateId)).length,
      markers: markers.size,
      idempotencyKeys: keyOrders.size,
      deadLetters: (snapshot.deadLetters ?? []).length,
    },
  };
};

module.exports = { checkInvariants, CONSUMERS_BY_SERVICE };
