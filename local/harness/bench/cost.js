'use strict';
/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier, as published in 2025
 * (last checked 2025-06-01; this machine has no internet to re-check them; SQS and CloudWatch Logs
 * added 2026-12-07 at the same list prices). Change them here.
 */
const PRICES = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  lambdaPerMillionRequests: 0.2,
  // arm64 (serverless.yml `architecture: arm64`), first pricing tier.
  lambdaPerGbSecond: 0.0000133334,
  // DynamoDB on-demand after the November 2024 reduction.
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  // Custom events: each 64 KB chunk of an entry counts as one event.
  eventBridgePerMillionEvents: 1.0,
  // Standard queue requests (each up to 64 KB; a batch of up to 10 messages is one request).
  sqsPerMillionRequests: 0.4,
  // CloudWatch Logs ingestion (standard class): every invocation writes its START, END and REPORT lines.
  cloudWatchLogsPerGb: 0.5,
  // Lambda's reads of a DynamoDB stream for a trigger, and rule deliveries to Lambda targets, are free.
};

/**
 * Lambda polls a queue that triggers a function with long polls (20 s) on five connections at
 * first, also while the queue is empty: 15 ReceiveMessage requests a minute, billed to the queue.
 */
const QUEUE_TRIGGER_EMPTY_RECEIVES_PER_MINUTE = 15;
/** START, END and REPORT: what Lambda itself logs for each invocation. */
const PLATFORM_LOG_BYTES = 300;
/** One embedded-metric-format line (one datapoint and its dimensions). */
const METRIC_LOG_BYTES = 350;

const MINUTES_PER_MONTH = (365 * 24 * 60) / 12;

/** What one unit of work (a saga, or one idle schedule run) uses. */
const usageCost = ({ writeUnits = 0, readUnits = 0, putEventsEntries = 0, invocations = 0, gbSeconds = 0, sqsRequests = 0, logBytes = 0 }, prices = PRICES) => {
  const parts = {
    sqs: (sqsRequests * prices.sqsPerMillionRequests) / 1e6,
    logs: (logBytes / 1024 ** 3) * prices.cloudWatchLogsPerGb,
    dynamodbWrites: (writeUnits * prices.dynamodbPerMillionWriteUnits) / 1e6,
    dynamodbReads: (readUnits * prices.dynamodbPerMillionReadUnits) / 1e6,
    eventBridge: (putEventsEntries * prices.eventBridgePerMillionEvents) / 1e6,
    lambdaRequests: (invocations * prices.lambdaPerMillionRequests) / 1e6,
    lambdaDuration: gbSeconds * prices.lambdaPerGbSecond,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
};

const round = (v, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Dollars per million sagas from the usage of one saga, itemised. */
const perMillionSagas = (perSaga, prices = PRICES) => Object.fromEntries(Object.entries(usageCost(perSaga, prices)).map(([k, v]) => [k, round(v * 1e6)]));

/**
 * Dollars per month for schedules that run `runsPerMinute` times a minute with `perRun` usage each.
 * @returns {Record<string, number>}
 */
const idlePerMonth = (schedules, prices = PRICES) => {
  const itemised = {};
  let total = 0;
  for (const { name, runsPerMinute, perRun } of schedules) {
    const monthly = usageCost(perRun, prices).total * runsPerMinute * MINUTES_PER_MONTH;
    itemised[name] = round(monthly);
    total += monthly;
  }
  return { ...itemised, total: round(total) };
};

/**
 * The schedules each design really has, at zero orders, from one measured idle run of each
 * function (`idleRuns[key]`: read and write units, billed ms).
 * - streams: the sweep clock, `sweepsPerRun` ticks a minute (one scheduled run, the rest from its
 *   delay queue), each a read of every outbox's pending index and one metric per outbox; its
 *   queue's requests (the ticks sent, received and deleted, and the trigger's empty long polls);
 *   no sweeper runs while nothing is pending.
 * - polling (the source design): each outbox's own publisher on a one-minute schedule, sweeping
 *   `sweepsPerRun` times `sweepIntervalSeconds` apart, billed while it sleeps in between.
 * Both have the saga watchdog, once a minute.
 */
const idleSchedules = (design, { idleRuns, sweepers, emitters, sweepsPerRun, sweepIntervalSeconds, memoryGb, clockMemoryGb }) => {
  const run = (key) => idleRuns[key] ?? { writeUnits: 0, readUnits: 0, billedMs: 0 };
  const watchdog = {
    name: 'sagaWatchdog',
    runsPerMinute: 1,
    perRun: { writeUnits: run('sagaWatchdog').writeUnits, readUnits: run('sagaWatchdog').readUnits, invocations: 1, gbSeconds: (run('sagaWatchdog').billedMs / 1000) * memoryGb, logBytes: PLATFORM_LOG_BYTES },
  };
  if (design === 'streams') {
    const ticks = Math.max(0, sweepsPerRun - 1);
    const clock = run('outboxSweepClock');
    return [
      {
        name: 'outboxSweepClock',
        runsPerMinute: sweepsPerRun,
        perRun: { writeUnits: clock.writeUnits, readUnits: clock.readUnits, invocations: 1, gbSeconds: (clock.billedMs / 1000) * clockMemoryGb, logBytes: PLATFORM_LOG_BYTES + emitters * METRIC_LOG_BYTES },
      },
      { name: 'sweepTickQueue', runsPerMinute: 1, perRun: { sqsRequests: Math.ceil(ticks / 10) + 2 * ticks + QUEUE_TRIGGER_EMPTY_RECEIVES_PER_MINUTE } },
      watchdog,
    ];
  }
  return [
    ...sweepers.map((key) => ({
      name: key,
      runsPerMinute: 1,
      perRun: {
        writeUnits: run(key).writeUnits * sweepsPerRun,
        readUnits: run(key).readUnits * sweepsPerRun,
        invocations: 1,
        gbSeconds: ((run(key).billedMs * sweepsPerRun + (sweepsPerRun - 1) * sweepIntervalSeconds * 1000) / 1000) * memoryGb,
        logBytes: PLATFORM_LOG_BYTES + sweepsPerRun * METRIC_LOG_BYTES,
      },
    })),
    watchdog,
  ];
};

module.exports = { PRICES, MINUTES_PER_MONTH, QUEUE_TRIGGER_EMPTY_RECEIVES_PER_MINUTE, usageCost, perMillionSagas, idlePerMonth, idleSchedules };
