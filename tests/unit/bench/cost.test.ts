import { idlePerMonth, idleSchedules, MINUTES_PER_MONTH, perMillionSagas, PRICES, QUEUE_TRIGGER_EMPTY_RECEIVES_PER_MINUTE } from '../../../local/harness/bench/cost';
import { summarize } from '../../../local/harness/bench/stats';

describe('benchmark cost model', () => {
  it('prices one saga per million from its units, entries, invocations and GB-seconds', () => {
    // Act
    const cost = perMillionSagas({ writeUnits: 10, readUnits: 4, putEventsEntries: 4, invocations: 8, gbSeconds: 0.1 });

    // Assess
    expect(cost).toEqual({
      sqs: 0,
      logs: 0,
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

describe('idle schedules of each design', () => {
  /** Measured empty runs: the clock reads 4 outboxes (4 shards × 0.5 units each), a sweeper one. */
  const idleRuns = {
    outboxSweepClock: { writeUnits: 0, readUnits: 8, billedMs: 40 },
    sagaWatchdog: { writeUnits: 0, readUnits: 1.5, billedMs: 30 },
    ...Object.fromEntries(['a', 'b', 'c', 'd'].map((s) => [`${s}OutboxSweeper`, { writeUnits: 0, readUnits: 4, billedMs: 30 }])),
  };
  const sweepers = ['a', 'b', 'c', 'd'].map((s) => `${s}OutboxSweeper`);
  const settings = { idleRuns, sweepers, emitters: 4, memoryGb: 0.5, clockMemoryGb: 0.125 };

  it('runs no sweeper in the streams design while nothing is pending: only the clock, its queue and the watchdog', () => {
    // Act
    const schedules = idleSchedules('streams', { ...settings, sweepsPerRun: 4, sweepIntervalSeconds: 15 });

    // Assess
    expect(schedules.map((x) => x.name)).toEqual(['outboxSweepClock', 'sweepTickQueue', 'sagaWatchdog']);
    expect(schedules[0]).toMatchObject({ runsPerMinute: 4, perRun: { invocations: 1, readUnits: 8 } });
    // One batch sent, three ticks received and deleted, and the trigger's empty polls.
    expect(schedules[1]!.perRun.sqsRequests).toBe(1 + 2 * 3 + QUEUE_TRIGGER_EMPTY_RECEIVES_PER_MINUTE);
  });

  it('bills the polling design\'s publishers for the sleep between their sweeps', () => {
    // Act
    const schedules = idleSchedules('polling', { ...settings, sweepsPerRun: 2, sweepIntervalSeconds: 30 });

    // Assess
    expect(schedules.map((x) => x.name)).toEqual([...sweepers, 'sagaWatchdog']);
    expect(schedules[0]!.perRun.gbSeconds).toBeCloseTo(((30 * 2 + 30_000) / 1000) * 0.5, 6);
  });

  it('keeps the streams design\'s fallback under a dollar a month idle, far below the sleeping publishers', () => {
    // Act
    const streams = idlePerMonth(idleSchedules('streams', { ...settings, sweepsPerRun: 4, sweepIntervalSeconds: 15 }));
    const polling = idlePerMonth(idleSchedules('polling', { ...settings, sweepsPerRun: 2, sweepIntervalSeconds: 30 }));

    // Assess
    expect(streams.outboxSweepClock! + streams.sweepTickQueue!).toBeLessThan(1);
    expect(streams.total).toBeLessThan(polling.total / 5);
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
