'use strict';
/**
 * The faults this system meets in production, as rules for the fault proxy (local/harness/chaos/fault-proxy.js).
 * Each is switchable and counted by kind. Error bodies are the shapes DynamoDB (JSON 1.0) and
 * EventBridge (JSON 1.1) really answer with, so the SDK classifies and retries them as on AWS.
 */
const { randomUUID } = require('node:crypto');
const { hotItems, keyedItems } = require('./hot-items');

const DDB = (operation) => `DynamoDB_20120810.${operation}`;
const STREAMS = (operation) => `DynamoDBStreams_20120810.${operation}`;
const PUT_EVENTS = 'AWSEvents.PutEvents';

const ddbError = (type, message, status = 400, extra = {}) => ({
  status,
  contentType: 'application/x-amz-json-1.0',
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra },
});

/** The consumer and event of a transaction that carries a processed-event marker (the first item). */
const markerOf = (json) => {
  const item = json?.TransactItems?.[0]?.Put?.Item;
  const pk = item?.pk?.S;
  if (!pk || !item.eventType) return undefined;
  const [consumer, eventId] = pk.split('#');
  return { consumer, eventId, eventType: item.eventType.S };
};

/**
 * @param {object} opts
 * @param {() => number} [opts.random]
 * @param {Record<string, number>} opts.p probability per fault kind (0 turns it off)
 * @param {(kind: string) => boolean} [opts.active] whether a kind is on right now (windows)
 * @param {number} [opts.outageMs] how long a consumer that fails past its retries stays down
 * @param {ReturnType<typeof hotItems>} [opts.hot] which items are hot (the most written lately)
 */
const dynamoDbRules = ({ random = Math.random, p, active = () => true, outageMs = 20_000, hot = hotItems() }) => {
  const on = (kind) => (p[kind] ?? 0) > 0 && active(kind);
  const roll = (kind) => on(kind) && random() < p[kind];
  // Consumer failures are decided once per event and consumer, then repeated for every attempt of
  // it, so that "more times than its retries allow" really outlasts every retry.
  const failing = new Map();
  const unmarkable = new Map();
  return [
    // DynamoDB cancels a transaction that races another on the same item, and refuses a plain write
    // to an item a pending transaction holds. Races happen where traffic meets: a share of the
    // requests that touch one of the hottest items (the most written lately) conflict on it.
    (req) => {
      const plain = req.target === DDB('UpdateItem') || req.target === DDB('DeleteItem');
      if (req.target !== DDB('TransactWriteItems') && !plain) return undefined;
      const at = hot.touch(keyedItems(req.json));
      if (at < 0 || !roll('transactionConflict')) return undefined;
      if (plain) return { kind: 'transactionConflict', respond: ddbError('TransactionConflictException', 'Transaction is ongoing for the item') };
      const items = req.json?.TransactItems ?? [];
      const reasons = items.map((_, i) => (i === at ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' }));
      return {
        kind: 'transactionConflict',
        respond: ddbError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, 400, { CancellationReasons: reasons }),
      };
    },
    // Throttling of a transaction (on-demand tables still throttle above a partition's limits).
    (req) =>
      req.target === DDB('TransactWriteItems') && roll('throttling')
        ? { kind: 'throttling', respond: ddbError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.') }
        : undefined,
    // A consumer that keeps failing: every attempt at one event fails, `failures` requests long.
    (req) => {
      if (req.target !== DDB('TransactWriteItems')) return undefined;
      const marker = markerOf(req.json);
      if (!marker) return undefined;
      const key = `${marker.consumer}#${marker.eventId}`;
      if (!failing.has(key)) {
        const kind = marker.eventType === 'order.cancelled' ? 'consumerFailsCompensation' : 'consumerFails';
        // Either a blip (two failed requests, absorbed by the SDK's own retries) or an outage of
        // this consumer for `outageMs`, far longer than every retry of the delivery: the event is
        // given up on, and only a re-drive after the consumer is back can finish the job.
        const outage = marker.eventType === 'order.cancelled' || random() < 0.5;
        failing.set(key, roll(kind) ? { kind, left: outage ? Infinity : 2, until: outage ? Date.now() + outageMs : Infinity } : { left: 0 });
      }
      const state = failing.get(key);
      if (state.left <= 0 || Date.now() > state.until) return undefined;
      state.left -= 1;
      // Counted once per event, however many attempts it takes.
      const kind = state.counted ? `${state.kind}Retry` : state.kind;
      state.counted = true;
      return { kind, respond: ddbError('InternalServerError', 'Internal server error', 500) };
    },
    // The forwarder dies after PutEvents accepted its events, before it marks them published: every
    // attempt of that one mark fails (the SDK makes up to 3), and the row stays pending for the sweeper.
    (req) => {
      if (req.target !== DDB('UpdateItem') || !String(req.json?.UpdateExpression ?? '').startsWith('REMOVE pendingShard SET publishedAt')) return undefined;
      const id = req.json?.Key?.id?.S;
      if (!unmarkable.has(id)) unmarkable.set(id, { left: roll('forwarderDiesBeforeMark') ? 3 : 0, counted: false });
      const state = unmarkable.get(id);
      if (state.left <= 0) return undefined;
      state.left -= 1;
      const first = !state.counted;
      state.counted = true;
      return { kind: first ? 'forwarderDiesBeforeMark' : 'forwarderDiesBeforeMarkRetry', respond: ddbError('InternalServerError', 'Internal server error', 500) };
    },
    // The stream path stops (the forwarders are off): the stream reads return nothing for a while.
    (req) =>
      req.target === STREAMS('GetRecords') && on('streamsOff')
        ? { kind: 'streamsOff', respond: { status: 200, contentType: 'application/x-amz-json-1.0', body: { Records: [], NextShardIterator: req.json?.ShardIterator } } }
        : undefined,
  ];
};

/**
 * @param {object} opts
 * @param {(json: object) => Promise<void>} opts.sendLater forwards a PutEvents body later
 * @param {(entry: object) => number | undefined} [opts.delayOf] ms to hold an entry back (reordering)
 */
const eventBridgeRules = ({ random = Math.random, p, active = () => true, delayOf = () => undefined, sendLater }) => {
  const on = (kind) => (p[kind] ?? 0) > 0 && active(kind);
  const roll = (kind) => on(kind) && random() < p[kind];
  return [
    // Hold some entries back (e.g. an order.created until after its saga timed out): delivery out of order.
    (req) => {
      if (req.target !== PUT_EVENTS || !on('reorder')) return undefined;
      const entries = req.json?.Entries ?? [];
      const held = entries.map((entry) => delayOf(entry));
      if (!held.some((d) => d !== undefined)) return undefined;
      for (const [i, delay] of held.entries()) {
        if (delay !== undefined) setTimeout(() => void sendLater({ Entries: [entries[i]] }).catch(() => undefined), delay);
      }
      return {
        kind: 'reorder',
        rewrite: (json) => ({ ...json, Entries: entries.filter((_, i) => held[i] === undefined) }),
        afterResponse: (answer) => {
          const results = [...(answer.Entries ?? [])];
          return { ...answer, Entries: held.map((d) => (d === undefined ? results.shift() : { EventId: randomUUID() })) };
        },
      };
    },
    // PutEvents accepts some entries of a call and refuses others (FailedEntryCount).
    (req) => {
      if (req.target !== PUT_EVENTS || !roll('putEventsPartialFailure')) return undefined;
      const entries = req.json?.Entries ?? [];
      if (entries.length === 0) return undefined;
      const refused = new Set([Math.floor(random() * entries.length)]);
      return {
        kind: 'putEventsPartialFailure',
        rewrite: (json) => ({ ...json, Entries: entries.filter((_, i) => !refused.has(i)) }),
        afterResponse: (answer) => {
          const results = [...(answer.Entries ?? [])];
          const merged = entries.map((_, i) => (refused.has(i) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' } : results.shift()));
          return { ...answer, FailedEntryCount: merged.filter((e) => e.ErrorCode).length, Entries: merged };
        },
      };
    },
    // The same events delivered twice (EventBridge and every retry path are at-least-once).
    (req) => (req.target === PUT_EVENTS && roll('duplicateDelivery') ? { kind: 'duplicateDelivery', forward: 'twice' } : undefined),
  ];
};

/**
 * An event contract moving to a new version in the middle of the run: `inventory.reserved` is
 * written as version 2 (it carries the saga's deadline); before `switched()` the producer still
 * writes version 1 (no deadline), and afterwards a few version-1 events are still in flight (late
 * retries from before the deploy). Consumers must accept both, as the contract says.
 * @param {{ random?: () => number, on: () => boolean, switched: () => boolean, lateShare?: number }} opts
 */
const contractVersionTransform = ({ random = Math.random, on, switched, lateShare = 0.05 }) => (req) => {
  if (req.target !== PUT_EVENTS || !on()) return undefined;
  const entries = req.json?.Entries ?? [];
  let count = 0;
  const rewritten = entries.map((entry) => {
    if (entry.DetailType !== 'inventory.reserved' || (switched() && random() >= lateShare)) return entry;
    let envelope;
    try {
      envelope = JSON.parse(entry.Detail);
    } catch {
      return entry;
    }
    if (envelope.version !== 2) return entry;
    const data = { ...envelope.data };
    delete data.deadline;
    count += 1;
    return { ...entry, Detail: JSON.stringify({ ...envelope, version: 1, data }) };
  });
  return count ? { kind: 'contractVersionChange', count, json: { ...req.json, Entries: rewritten } } : undefined;
};

/** In front of the HTTP API: an answer lost after the order was committed (a timeout, a dropped connection). */
const httpApiRules = ({ random = Math.random, p, active = () => true }) => [
  (req) => (req.method === 'POST' && (p.responseLostAfterCommit ?? 0) > 0 && active('responseLostAfterCommit') && random() < p.responseLostAfterCommit ? { kind: 'responseLostAfterCommit', dropResponse: true } : undefined),
];

module.exports = { dynamoDbRules, eventBridgeRules, httpApiRules, contractVersionTransform, markerOf, ddbError };
