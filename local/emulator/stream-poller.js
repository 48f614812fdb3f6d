'use strict';
/**
 * A local stand-in for Lambda's DynamoDB-stream event source mapping, used by `serverless offline`
 * only (wired by local/emulator/serverless-plugin.js). It replaces the streams emulator plugin, which polls
 * every shard at a fixed interval (CPU while idle, a stall when a poll lands badly), ignores
 * `batchItemFailures`, `enabled: false` and bisection, and drops a batch once its retries run out.
 *
 * What it keeps of Lambda's semantics, per shard:
 * - one batch at a time, in sequence order; a child shard only after its parent is finished;
 * - `filterPatterns` drop non-matching records before the function sees them;
 * - `ReportBatchItemFailures`: the shard is checkpointed before the lowest failed sequence number
 *   and only the records from there on are retried; an unusable identifier fails the whole batch;
 * - a function error retries the batch, split in two first when `bisectBatchOnFunctionError`;
 * - after `maximumRetryAttempts` retries, or once records are older than
 *   `maximumRecordAgeInSeconds`, the batch's description goes to the on-failure destination and the
 *   shard moves on (never silently dropped).
 *
 * Polling adapts: immediately again while records flow, backing off to `maxIntervalMs` (4 polls a
 * second, like Lambda's own pollers) once the shard is quiet; `wake()` (called when a write to the
 * database completes) polls a quiet shard at once, so an idle stack costs almost nothing and the
 * first record after a pause is not delayed by the backoff.
 */
const { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } = require('@aws-sdk/client-dynamodb-streams');

const defaultSleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.then(() => (clearTimeout(timer), resolve()));
  });

// ---- filter patterns (the subset of EventBridge pattern syntax that stream filters use) ----

const matchesValue = (allowed, value) =>
  allowed.some((a) => {
    if (a !== null && typeof a === 'object') {
      if ('exists' in a) return a.exists ? value !== undefined : value === undefined;
      if ('prefix' in a) return typeof value === 'string' && value.startsWith(a.prefix);
      if ('anything-but' in a) return ![].concat(a['anything-but']).includes(value);
      return false;
    }
    return Array.isArray(value) ? value.includes(a) : a === value;
  });

/** True when `record` matches `pattern` (objects nest, arrays list allowed values). */
const matchesPattern = (pattern, record) =>
  Object.entries(pattern).every(([key, expected]) => {
    const value = record == null ? undefined : record[key];
    if (Array.isArray(expected)) return matchesValue(expected, value);
    if (expected !== null && typeof expected === 'object') return value !== null && typeof value === 'object' && matchesPattern(expected, value);
    return expected === value;
  });

/** Records matching any of the patterns (all of them when there is no pattern). */
const filterRecords = (patterns, records) => {
  const list = (patterns || []).map((p) => (typeof p === 'string' ? JSON.parse(p) : p.pattern ? JSON.parse(p.pattern) : p));
  return list.length ? records.filter((r) => list.some((p) => matchesPattern(p, r))) : records;
};

// ---- one batch, with Lambda's retry semantics ----

const sequenceOf = (record) => record.dynamodb && record.dynamodb.SequenceNumber;
const compareSequence = (a, b) => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Reads a function's response: `{ ok: true }`, `{ ok: false, from }` (index of the first record to
 * retry) or `{ ok: false, from: 0, invalid: true }` when an identifier names no record.
 */
const readBatchResponse = (result, records, reportBatchItemFailures) => {
  if (!reportBatchItemFailures || result == null || typeof result !== 'object') return { ok: true };
  const failures = result.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return { ok: true };
  const ids = failures.map((f) => (f && typeof f === 'object' ? f.itemIdentifier : undefined));
  const indexes = ids.map((id) => (typeof id === 'string' && id !== '' ? records.findIndex((r) => sequenceOf(r) === id) : -1));
  if (indexes.some((i) => i < 0)) return { ok: false, from: 0, invalid: true };
  const lowest = ids.reduce((min, id) => (compareSequence(id, min) < 0 ? id : min));
  return { ok: false, from: records.findIndex((r) => sequenceOf(r) === lowest) };
};

const approximateArrival = (record) => {
  const t = record.dynamodb && record.dynamodb.ApproximateCreationDateTime;
  if (t === undefined) return undefined;
  return t instanceof Date ? t.getTime() : Number(t) * 1000;
};

/** The message Lambda sends to a stream mapping's on-failure destination (no records, their range). */
const failureMessage = ({ records, condition, attempts, error, streamArn, shardId, functionArn, now }) => ({
  requestContext: { requestId: `local-${now}`, functionArn, condition, approximateInvokeCount: attempts },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: error ? 'Unhandled' : undefined },
  version: '1.0',
  timestamp: new Date(now).toISOString(),
  DDBStreamBatchInfo: {
    shardId,
    startSequenceNumber: sequenceOf(records[0]),
    endSequenceNumber: sequenceOf(records[records.length - 1]),
    approximateArrivalOfFirstRecord: new Date(approximateArrival(records[0]) ?? now).toISOString(),
    approximateArrivalOfLastRecord: new Date(approximateArrival(records[records.length - 1]) ?? now).toISOString(),
    batchSize: records.length,
    streamArn,
  },
  errorMessage: error ? String((error && error.message) || error) : undefined,
});

/**
 * Delivers one batch read from a shard until every record is processed or discarded to the
 * on-failure destination. `invoke(records)` runs the function; `checkpoint(sequenceNumber)` records
 * progress; `retryDelayMs(attempt)` is the pause before a retry.
 */
const processBatch = async (records, options) => {
  const {
    invoke,
    checkpoint = () => {},
    onFailure = async () => {},
    filterPatterns,
    maximumRetryAttempts = -1,
    maximumRecordAgeInSeconds = -1,
    bisectBatchOnFunctionError = false,
    functionResponseType,
    retryDelayMs = (attempt) => Math.min(50 * 2 ** (attempt - 1), 2000),
    sleep = defaultSleep,
    now = Date.now,
    stopped = () => false,
    describe = {},
  } = options;
  const last = sequenceOf(records[records.length - 1]);
  const matching = filterRecords(filterPatterns, records);
  const reportBatchItemFailures = [].concat(functionResponseType || []).includes('ReportBatchItemFailures');
  const stats = { invocations: 0, discarded: 0 };

  // Each part carries the retries already spent on its records; halves inherit them.
  const queue = matching.length ? [{ records: matching, retries: 0 }] : [];
  const discard = async (part, condition, error) => {
    stats.discarded += part.records.length;
    await onFailure(failureMessage({ ...describe, records: part.records, condition, attempts: part.retries + 1, error, now: now() }));
    checkpoint(sequenceOf(part.records[part.records.length - 1]));
    queue.shift();
  };
  const tooOld = (part) =>
    maximumRecordAgeInSeconds >= 0 && part.records.some((r) => (approximateArrival(r) ?? now()) < now() - maximumRecordAgeInSeconds * 1000);
  const outOfRetries = (part) => maximumRetryAttempts >= 0 && part.retries >= maximumRetryAttempts;

  while (queue.length) {
    if (stopped()) return { ...stats, stopped: true };
    const part = queue[0];
    if (tooOld(part)) {
      await discard(part, 'RecordAgeExceeded');
      continue;
    }
    let outcome;
    let error;
    stats.invocations += 1;
    try {
      outcome = readBatchResponse(await invoke(part.records), part.records, reportBatchItemFailures);
    } catch (e) {
      error = e;
      outcome = { ok: false, from: 0, threw: true };
    }
    if (outcome.ok) {
      checkpoint(sequenceOf(part.records[part.records.length - 1]));
      queue.shift();
      continue;
    }
    // Everything before the first failed record is done: checkpoint it and keep only the rest.
    if (outcome.from > 0) {
      checkpoint(sequenceOf(part.records[outcome.from - 1]));
      part.records = part.records.slice(outcome.from);
    }
    if (outOfRetries(part)) {
      await discard(part, 'RetryAttemptsExhausted', error);
      continue;
    }
    part.retries += 1;
    if (outcome.threw && bisectBatchOnFunctionError && part.records.length > 1) {
      const half = Math.ceil(part.records.length / 2);
      queue.splice(0, 1, { records: part.records.slice(0, half), retries: part.retries }, { records: part.records.slice(half), retries: part.retries });
    }
    await sleep(retryDelayMs(part.retries));
  }
  checkpoint(last);
  return stats;
};

// ---- polling ----

/** Next pause after an empty read: doubles from `minIntervalMs` up to `maxIntervalMs`. */
const nextIdleDelay = (previous, { minIntervalMs, maxIntervalMs }) =>
  previous <= 0 ? minIntervalMs : Math.min(maxIntervalMs, Math.max(minIntervalMs, previous * 2));

/**
 * Polls every shard of one stream for one function. `client` is a DynamoDBStreamsClient (or
 * anything with `send`); `invoke(event)` runs the function with a DynamoDB stream event.
 */
class StreamPoller {
  /**
   * @param {{ client: { send: (command: any) => Promise<any> }, streamArn: string, functionArn?: string,
   *   eventSourceArn?: string, settings?: Record<string, any>, invoke: (event: any) => Promise<any>,
   *   onFailure?: (message: any) => Promise<void>, checkpoints?: { get: (k: string) => any, set: (k: string, v: string) => any },
   *   log?: (line: string) => void, sleep?: (ms: number, woken?: Promise<void>) => Promise<void>, now?: () => number }} options
   */
  constructor({ client, streamArn, functionArn, eventSourceArn, settings = {}, invoke, onFailure, checkpoints, log = () => {}, sleep = defaultSleep, now = Date.now }) {
    this.client = client;
    this.streamArn = streamArn;
    this.functionArn = functionArn;
    this.eventSourceArn = eventSourceArn || streamArn;
    this.settings = {
      batchSize: 100,
      startingPosition: 'TRIM_HORIZON',
      minIntervalMs: 10,
      maxIntervalMs: 250,
      shardRefreshMs: 5000,
      ...settings,
    };
    this.invoke = invoke;
    this.onFailure = onFailure || (async () => {});
    this.checkpoints = checkpoints || new Map();
    this.log = log;
    this.sleep = sleep;
    this.now = now;
    this.shards = new Map(); // shardId → { parent, done, running }
    this.loops = [];
    this.stopped = false;
    this.wakers = new Set();
    this.wakes = 0;
    this.stats = { polls: 0, emptyPolls: 0, batches: 0, records: 0, invocations: 0, discarded: 0 };
  }

  /** Wakes the shards that are waiting on an empty poll. */
  wake() {
    this.wakes += 1;
    for (const resolve of this.wakers) resolve();
    this.wakers.clear();
  }

  pause(ms) {
    let resolveWake;
    const woken = new Promise((resolve) => (resolveWake = resolve));
    this.wakers.add(resolveWake);
    return this.sleep(ms, woken).finally(() => this.wakers.delete(resolveWake));
  }

  async start() {
    await this.refreshShards();
    this.refresher = (async () => {
      while (!this.stopped) {
        await this.pause(this.settings.shardRefreshMs);
        if (!this.stopped) await this.refreshShards().catch((e) => this.log(`stream poller: DescribeStream failed: ${e.message}`));
      }
    })();
  }

  async stop() {
    this.stopped = true;
    this.wake();
    await Promise.allSettled([this.refresher, ...this.loops]);
  }

  async refreshShards() {
    let ExclusiveStartShardId;
    do {
      const { StreamDescription: d } = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId }));
      for (const shard of d.Shards || []) {
        if (!this.shards.has(shard.ShardId)) this.shards.set(shard.ShardId, { parent: shard.ParentShardId, done: false, running: false });
      }
      ExclusiveStartShardId = d.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    this.startReadyShards();
  }

  /** Starts every shard whose parent is finished or unknown (already trimmed). */
  startReadyShards() {
    for (const [shardId, shard] of this.shards) {
      if (shard.running || shard.done) continue;
      const parent = shard.parent && this.shards.get(shard.parent);
      if (parent && !parent.done) continue;
      shard.running = true;
      this.loops.push(
        this.readShard(shardId)
          .catch((e) => this.log(`stream poller: shard ${shardId} stopped: ${e.stack || e}`))
          .finally(() => {
            shard.running = false;
          }),
      );
    }
  }

  async iteratorFor(shardId) {
    const after = this.checkpoints.get(this.key(shardId));
    const input = after
      ? { StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
      : { StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: this.settings.startingPosition };
    const { ShardIterator } = await this.client.send(new GetShardIteratorCommand(input));
    return ShardIterator;
  }

  key(shardId) {
    return `${this.streamArn}|${shardId}`;
  }

  async readShard(shardId) {
    let iterator = await this.iteratorFor(shardId);
    let idle = 0;
    while (!this.stopped && iterator) {
      let page;
      const wakesBefore = this.wakes;
      try {
        this.stats.polls += 1;
        page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.settings.batchSize }));
      } catch (error) {
        if (error.name === 'ExpiredIteratorException' || error.name === 'TrimmedDataAccessException') {
          iterator = await this.iteratorFor(shardId);
          continue;
        }
        throw error;
      }
      const records = page.Records || [];
      if (records.length) {
        idle = 0;
        this.stats.batches += 1;
        this.stats.records += records.length;
        const result = await processBatch(records, {
          ...this.settings,
          invoke: (batch) => this.invoke({ Records: batch.map((r) => ({ ...r, eventSourceARN: this.eventSourceArn })) }),
          onFailure: this.onFailure,
          checkpoint: (sequenceNumber) => sequenceNumber && this.checkpoints.set(this.key(shardId), sequenceNumber),
          sleep: (ms) => this.pause(ms),
          now: this.now,
          stopped: () => this.stopped,
          describe: { streamArn: this.eventSourceArn, shardId, functionArn: this.functionArn },
        });
        this.stats.invocations += result.invocations;
        this.stats.discarded += result.discarded;
        if (result.stopped) return;
      }
      iterator = page.NextShardIterator;
      if (!iterator) break; // the shard is closed and fully read
      if (!records.length) {
        this.stats.emptyPolls += 1;
        // A write that completed while this read was in flight may not be in it: read again soon.
        // Otherwise back off; a wake cuts the pause short, but never below `minIntervalMs` after
        // this read, so a busy database (a wake per write) costs at most one read per interval.
        const woken = this.wakes !== wakesBefore;
        idle = woken ? 0 : nextIdleDelay(idle, this.settings);
        const readAt = this.now();
        await this.pause(woken ? this.settings.minIntervalMs : idle);
        const since = this.now() - readAt;
        if (since < this.settings.minIntervalMs) await this.sleep(this.settings.minIntervalMs - since);
      }
    }
    if (!this.stopped) {
      this.shards.get(shardId).done = true;
      await this.refreshShards(); // its children, if DynamoDB has opened them yet
    }
  }
}

module.exports = { StreamPoller, processBatch, filterRecords, matchesPattern, readBatchResponse, nextIdleDelay, failureMessage };
