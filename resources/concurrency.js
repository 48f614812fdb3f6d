'use strict';
/**
 * Reserved concurrency per function, on where the stage's `reservedConcurrency` param is 'true'
 * (prod): one flood (a burst of POST /orders) can then take only its own share of the account's
 * concurrency and never starve the relay or the consumers. Off elsewhere: an account with a low
 * concurrency quota (new accounts start at 10) must still deploy dev, and reserving any
 * concurrency there fails the deploy. Sized from the capacity model (docs/operations.md,
 * "Capacity"): concurrency = rate × duration, at 1,000 orders/s, with headroom.
 */
const SIZES = {
  /** 1,000 orders/s × ~50 ms, doubled. */
  createOrder: 100,
  /** The keeper receives every step's answer and every compensation's: ~4 events per saga. */
  keeper: 200,
  /** Any other consumer: ≤ 1,000 events/s × ~30 ms, doubled. */
  consumer: 60,
  /**
   * A forwarder runs once per stream shard at a time (parallelization factor 1): an outbox at
   * ~6,000 WCU/s spreads over a handful of shards; 10 leaves room for a split.
   */
  forwarder: 10,
  /** Scheduled runs: one at a time, so a schedule delivered twice never overlaps itself. */
  scheduled: 1,
  /**
   * The sweep clock: a tick is a few reads, but its queue trigger polls with five connections
   * at first, and below that Lambda throttles the trigger's batches.
   */
  clock: 5,
};

/** `{ functionKey: reserved }` for every function that gets reserved concurrency. */
const reservedConcurrency = (topology) => ({
  createOrder: SIZES.createOrder,
  sagaWatchdog: SIZES.scheduled,
  outboxSweepClock: SIZES.clock,
  ...Object.fromEntries(topology.consumerNames.map((key) => [key, key === topology.saga.keeper.consumer ? SIZES.keeper : SIZES.consumer])),
  ...Object.fromEntries(topology.emitters.flatMap((s) => [[`${s}OutboxForwarder`, SIZES.forwarder], [`${s}OutboxSweeper`, SIZES.scheduled]])),
});

/** What serverless.yml reads (`${file(resources/concurrency.js):<key>, null}`): nothing where the stage reserves none. */
module.exports = async ({ resolveVariable }) => {
  const on = String(await resolveVariable('param:reservedConcurrency')) === 'true';
  return on ? reservedConcurrency(require('./declaration').declaration().topology) : {};
};
module.exports.reservedConcurrency = reservedConcurrency;
module.exports.SIZES = SIZES;
