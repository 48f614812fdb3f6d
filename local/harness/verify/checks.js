'use strict';
/**
 * The saga's books, checked from the state the services left behind. Pure: it takes a snapshot of
 * every table (plain objects) and returns the violations, each with the ids involved. What it
 * checks is the design's invariants:
 *  1. every order is CONFIRMED or CANCELLED (none PENDING past its deadline plus the watchdog's period);
 *  2. every service's own invariants for an ended order (CONFIRMED ⇒ reserved once, charged once,
 *     shipped once, points awarded once; CANCELLED ⇒ nothing held, charged or booked) and every
 *     compensation step recorded;
 *  3. every service's books (per product and per customer the ledger adds up against a baseline
 *     when there is one, and nothing is negative);
 *  4. every outbox row published, none unpublishable, none unpublished longer than the sweeper's window;
 *  5. every Idempotency-Key maps to exactly one existing order;
 *  6. no effect without its processed marker, no marker without its effect.
 */

/** The checks each service declares for itself (lib/services/<service>/invariants.ts). */
class MissingInvariantsError extends Error {
  constructor(what) {
    super(`npm run verify has no invariants for ${what}: add them to its service's invariants.ts (and lib/services/verify.ts)`);
    this.name = 'MissingInvariantsError';
  }
}
const parse = (row) => {
  try {
    return JSON.parse(row.payload);
  } catch {
    return undefined;
  }
};

/**
 * The checker of a saga: its topology (from the declaration) and every service's invariants. A
 * service or consumer of the declaration without invariants is refused here, before any check.
 */
const invariantsChecker = ({ topology, invariants }) => {
  for (const service of topology.serviceNames) if (!invariants[service]) throw new MissingInvariantsError(`the service ${service}`);
  for (const consumer of topology.consumerNames) {
    if (!invariants[topology.serviceOf(consumer)].effects[consumer]) throw new MissingInvariantsError(`the consumer ${consumer} (${topology.serviceOf(consumer)})`);
  }

  const CONSUMERS_BY_SERVICE = Object.fromEntries(topology.serviceNames.map((s) => [s, topology.consumersIn(s)]));

  /** Which consumer of a service reacts to which event type (its outbox rows are caused by those). */
  const CONSUMER_OF = Object.fromEntries(
    topology.serviceNames.map((s) => [s, Object.fromEntries(topology.consumersIn(s).flatMap((c) => topology.saga.consumers[c].on.map((type) => [type, c])))]),
  );

  /** Saga steps the keeper writes about its own events (not in reaction to a consumed one). */
  const OWN_STEPS = new Set(topology.ownSteps);

  /**
   * @param {object} snapshot plain items of every table: the keeper's (orders, sagas), each
   *   service's own (as its invariants name them), outboxes and inboxes by service,
   *   idempotencyKeys (optional), deadLetters (optional)
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
    const keeper = topology.saga.keeper.consumer;

    // 1 and 2: every order ends, and its end is consistent with every participant's records.
    for (const order of orders) {
      const { orderId } = order;
      const saga = sagas.get(orderId);
      if (!saga) add('saga-missing', `order ${orderId} has no saga state`, [orderId]);
      if (order.status === 'PENDING') {
        if (Date.parse(order.deadline) + watchdogPeriodMs < now) add('pending-past-deadline', `order ${orderId} is PENDING past its deadline ${order.deadline}`, [orderId]);
        continue;
      }
      if (order.status !== 'CONFIRMED' && order.status !== 'CANCELLED') {
        add('unknown-status', `order ${orderId} has status ${order.status}`, [orderId]);
        continue;
      }
      const context = { order, saga, rows: rowsOf.get(orderId) ?? [], hasMarker };
      for (const service of topology.serviceNames) invariants[service].ended?.(context, snapshot, add);
      if (order.status === 'CANCELLED') {
        for (const step of topology.compensationSteps) {
          if (saga && !saga.steps?.[step]) add('compensation-unrecorded', `CANCELLED order ${orderId} has no ${step} step`, [orderId]);
        }
      }
    }

    // 3: every service's books.
    for (const service of topology.serviceNames) invariants[service].books?.(snapshot, add, { baseline: options.baseline });

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
        if (!hasMarker(keeper, step.eventId)) add('effect-without-marker', `saga of ${order.orderId} recorded ${name} from ${step.eventId} without an ${keeper} marker`, [order.orderId, step.eventId]);
      }
    }
    const effectsOf = new Map();
    for (const r of allRows) if (r.event?.causationId) effectsOf.set(r.event.causationId, [...(effectsOf.get(r.event.causationId) ?? []), r]);
    for (const marker of markers.values()) {
      const cause = rowById.get(marker.eventId);
      if (!cause || !orderIds.has(cause.row.aggregateId)) continue;
      const orderId = cause.row.aggregateId;
      const effects = (effectsOf.get(marker.eventId) ?? []).filter((r) => CONSUMERS_BY_SERVICE[r.service]?.includes(marker.consumer));
      const known = topology.consumerNames.includes(marker.consumer);
      const effectOf = known ? invariants[topology.serviceOf(marker.consumer)].effects[marker.consumer] : undefined;
      // A marker of a consumer the declaration does not know is itself a finding, never a pass.
      const ok = effectOf ? effectOf({ orderId, eventId: marker.eventId, effects, snapshot }) : false;
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

  return { checkInvariants, CONSUMERS_BY_SERVICE };
};

/** The example's checker (lib/services/verify.ts). */
const { checkInvariants, CONSUMERS_BY_SERVICE } = invariantsChecker(require('../../../resources/declaration').verification());

module.exports = { checkInvariants, CONSUMERS_BY_SERVICE, MissingInvariantsError, invariantsChecker };
