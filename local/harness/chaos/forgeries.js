'use strict';
/**
 * Forged and smuggled events, put straight on the bus (past the outboxes and the fault proxies) as
 * a role allowed to publish, or a bug, could: each names a real order of the run, so that, were it
 * believed, it would move real stock, money, points or orders. Each forgery says which consumers the
 * bus delivers it to and must dead-letter it; one under a source that does not own its type reaches
 * nobody at all (no rule matches it).
 */
const { randomUUID } = require('node:crypto');
const { topology } = require('../../../resources/declaration').declaration();

/**
 * The consumers the bus delivers a (source, detail-type) to, from the declaration: the
 * subscribers of the type when the source owns it (that is what the rules match), nobody else.
 */
const deliveredTo = (source, detailType) => (topology.saga.contracts[detailType]?.source === source ? topology.consumersOf(detailType) : []);

/** The first participant (it takes the saga's first step) and the keeper, as the declaration has them. */
const first = topology.saga.steps[0];
const FIRST = topology.saga.contracts[first.succeeded].source;
const KEEPER = topology.sourceOf(topology.saga.keeper.service);

const envelope = (type, source, order, data, overrides = {}) => ({
  id: randomUUID(),
  type,
  source,
  time: new Date().toISOString(),
  aggregateId: order.orderId,
  sequence: 9,
  correlationId: randomUUID(),
  causationId: null,
  version: 1,
  data,
  ...overrides,
});

/** An `order.cancelled` of `order`, as orders would write it (overrides: what the forger changed). */
const cancellation = (order, overrides = {}) =>
  envelope('order.cancelled', overrides.source ?? KEEPER, order, { orderId: order.orderId, customerId: order.customerId, reason: 'forged' }, overrides);

/** @type {{ name: string, build: (order: { orderId: string, customerId: string }) => { envelope: object, source: string, detailType: string, deadLetteredBy: string[] } }[]} */
const forgeries = [
  {
    // Another participant's event inside a delivery of the first participant's: would move an unpaid order on.
    name: 'smuggled payment.succeeded',
    build: (order) => ({
      envelope: envelope('payment.succeeded', topology.saga.contracts['payment.succeeded'].source, order, { orderId: order.orderId, customerId: order.customerId, amount: 100 }),
      source: FIRST,
      detailType: first.succeeded,
      deadLetteredBy: deliveredTo(FIRST, first.succeeded),
    }),
  },
  {
    // A cancellation dressed as the first participant's own event type.
    name: 'order.cancelled in the first participant\'s clothes',
    build: (order) => ({
      envelope: cancellation(order),
      source: FIRST,
      detailType: first.compensation.answer,
      deadLetteredBy: deliveredTo(FIRST, first.compensation.answer),
    }),
  },
  {
    // A cancellation whose envelope is about another aggregate than the order its data names.
    name: 'order.cancelled about another aggregate',
    build: (order) => ({
      envelope: cancellation(order, { aggregateId: randomUUID() }),
      source: KEEPER,
      detailType: 'order.cancelled',
      deadLetteredBy: deliveredTo(KEEPER, 'order.cancelled'),
    }),
  },
  {
    // A cancellation whose envelope claims a source that does not own the type.
    name: 'order.cancelled claiming the first participant',
    build: (order) => ({
      envelope: cancellation(order, { source: FIRST }),
      source: KEEPER,
      detailType: 'order.cancelled',
      deadLetteredBy: deliveredTo(KEEPER, 'order.cancelled'),
    }),
  },
  {
    // The first participant putting an order.created on the bus as its own: no rule delivers it.
    name: 'order.created under a forged source',
    build: (order) => ({
      envelope: envelope('order.created', KEEPER, order, {
        orderId: order.orderId,
        customerId: order.customerId,
        items: [{ productId: 'forged', quantity: 1 }],
        deadline: new Date(Date.now() + 60_000).toISOString(),
      }),
      source: FIRST,
      detailType: 'order.created',
      deadLetteredBy: deliveredTo(FIRST, 'order.created'),
    }),
  },
];

/**
 * What the books must show about the forgeries once the run settled: none left a processed marker in
 * any inbox (none was acted on), and each was dead-lettered by every consumer it reached. Forgeries
 * injected just before a kill may have been lost in flight with the bus (its deliveries are not
 * durable locally), so those are only checked for the first part.
 * @param {{ id: string, name: string, deadLetteredBy: string[], at: number }[]} injected
 * @param {{ deadLetters: object[], inboxes: Record<string, object[]> }} snapshot
 * @param {(at: number) => boolean} mayBeLost
 */
const checkForgeries = (injected, snapshot, mayBeLost) => {
  const violations = [];
  const lettersOf = new Map();
  for (const letter of snapshot.deadLetters) {
    if (letter.eventId) lettersOf.set(letter.eventId, [...(lettersOf.get(letter.eventId) ?? []), letter.consumer]);
  }
  const markers = new Map();
  for (const rows of Object.values(snapshot.inboxes)) for (const row of rows) if (row.eventId) markers.set(row.eventId, row.consumer);
  for (const forgery of injected) {
    if (markers.has(forgery.id)) {
      violations.push({ kind: 'forged-event-acted-on', message: `${forgery.name} ${forgery.id} was processed by ${markers.get(forgery.id)}`, ids: [forgery.id] });
    }
    if (mayBeLost(forgery.at)) continue;
    const letters = new Set(lettersOf.get(forgery.id) ?? []);
    const missing = forgery.deadLetteredBy.filter((c) => !letters.has(c));
    if (missing.length) {
      violations.push({ kind: 'forged-event-not-dead-lettered', message: `${forgery.name} ${forgery.id} was not dead-lettered by ${missing.join(', ')}`, ids: [forgery.id] });
    }
  }
  return violations;
};

module.exports = { forgeries, checkForgeries };
