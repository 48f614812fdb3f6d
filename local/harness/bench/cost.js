'use strict';
/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier, as published in 2025
 * (last checked 2025-06-01; this machine has no internet to re-check them). Change them here.
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
  // Lambda's reads of a DynamoDB stream for a trigger, and rule deliveries to Lambda targets, are free.
};

const MINUTES_PER_MONTH = (365 * 24 * 60) / 12;

/** What one unit of work (a saga, or one idle schedule run) uses. */
const usageCost = ({ writeUnits = 0, readUnits = 0, putEventsEntries = 0, invocations = 0, gbSeconds = 0 }, prices = PRICES) => {
  const parts = {
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

module.exports = { PRICES, MINUTES_PER_MONTH, usageCost, perMillionSagas, idlePerMonth };
