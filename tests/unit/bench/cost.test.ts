import { idlePerMonth, MINUTES_PER_MONTH, perMillionSagas, PRICES } from '../../../local/harness/bench/cost';
import { summarize } from '../../../local/harness/bench/stats';

describe('benchmark cost model', () => {
  it('prices one saga per million from its units, entries, invocations and GB-seconds', () => {
    // Act
    const cost = perMillionSagas({ writeUnits: 10, readUnits: 4, putEventsEntries: 4, invocations: 8, gbSeconds: 0.1 });

    // Assess
    expect(cost).toEqual({
      dynamodbWrites: 10 * PRICES.dynamodbPerMillionWriteUnits,
      dynamodbReads: 4 * PRICES.dynamodbPerMillionReadUnits,
      eventBridge: 4 * PRICES.eventBridgePerMillionEvents,
      lambdaRequests: 8 * PRICES.lambdaPerMillionRequests,
      lambdaDuration: Math.round(0.1 * 1e6 * PRICES.lambdaPerGbSecond * 100) / 100,
      total: cost.total,
    });
    expect(cost.total).toBeCloseTo(cost.dynamodbWrites + cost.dynamodbReads + cost.eventBridge + cost.lambdaRequests + cost.lambdaDuration, 1);
  });

  it('charges a schedule every minute of the month even with nothing to do', () => {
    // Act
    const idle = idlePerMonth([{ name: 'sweeper', runsPerMinute: 1, perRun: { invocations: 1, gbSeconds: 15 } }]);

    // Assess
    const expected = MINUTES_PER_MONTH * (PRICES.lambdaPerMillionRequests / 1e6 + 15 * PRICES.lambdaPerGbSecond);
    expect(idle.sweeper).toBeCloseTo(expected, 1);
    expect(idle.total).toBe(idle.sweeper);
  });
});

describe('benchmark percentiles', () => {
  it('uses nearest rank and ignores values that are not numbers', () => {
    // Act
    const s = summarize([5, 1, 4, 2, 3, Number.NaN, 100, 6, 7, 8, 9]);

    // Assess
    expect(s).toEqual({ n: 10, p50: 5, p90: 9, p99: 100, max: 100, mean: 15 });
  });
});
