import { sweepClockTick, tickDelays, type SweepClockDeps } from '../../../lib/platform/relay/sweep-clock';

const GRACE_MS = 10_000;

/** A clock over outboxes whose oldest pending row is `ages[i]` ms old (0: nothing pending). */
const aClock = (ages: number[], overrides: Partial<SweepClockDeps> = {}) => {
  const sent: number[][] = [];
  const swept: string[] = [];
  const deps: SweepClockDeps = {
    outboxes: ages.map((age, i) => ({ metricService: `s${i}-outbox`, sweeper: `sweeper-${i}`, outbox: { oldestUnpublishedAge: async () => age } })),
    ticks: { sendAfter: async (delays) => void sent.push(delays) },
    sweepers: { sweep: async (name) => void swept.push(name) },
    graceMs: GRACE_MS,
    ticksPerRun: 4,
    intervalSeconds: 15,
    now: () => 1_000_000,
    ...overrides,
  };
  return { deps, sent, swept };
};

describe('the sweep clock', () => {
  it('leaves a scheduled run the rest of its minute as delayed ticks, SWEEP_INTERVAL_SECONDS apart', async () => {
    // Prepare
    const { deps, sent } = aClock([0, 0]);

    // Act
    const result = await sweepClockTick(deps, { scheduled: true });

    // Assess
    expect(sent).toEqual([[15, 30, 45]]);
    expect(result.ticksSent).toBe(3);
  });

  it('sends no ticks from a tick: only the schedule starts a minute, so ticks never multiply', async () => {
    // Prepare
    const { deps, sent } = aClock([0]);

    // Act
    await sweepClockTick(deps, { scheduled: false });

    // Assess
    expect(sent).toEqual([]);
  });

  it('starts no sweeper while nothing is pending or every pending row is still within the grace', async () => {
    // Prepare
    const { deps, swept } = aClock([0, GRACE_MS - 1]);

    // Act
    const result = await sweepClockTick(deps, { scheduled: false });

    // Assess
    expect(swept).toEqual([]);
    expect(result.swept).toEqual([]);
  });

  it('starts exactly the sweepers whose outbox has a row past the grace', async () => {
    // Prepare
    const { deps, swept } = aClock([GRACE_MS, 0, 60_000]);

    // Act
    const result = await sweepClockTick(deps, { scheduled: false });

    // Assess
    expect(swept.sort()).toEqual(['sweeper-0', 'sweeper-2']);
    expect(result.swept.sort()).toEqual(['sweeper-0', 'sweeper-2']);
  });

  it('still checks every outbox when the ticks cannot be queued, and fails the run so that it alarms', async () => {
    // Prepare
    const { deps, swept } = aClock([60_000], { ticks: { sendAfter: async () => Promise.reject(new Error('SQS down')) } });

    // Act
    const run = sweepClockTick(deps, { scheduled: true });

    // Assess
    await expect(run).rejects.toThrow(/SQS down/);
    expect(swept).toEqual(['sweeper-0']);
  });

  it('checks the other outboxes when one cannot be read', async () => {
    // Prepare
    const { deps, swept } = aClock([60_000, 60_000]);
    deps.outboxes[0]!.outbox = { oldestUnpublishedAge: async () => Promise.reject(new Error('throttled')) };

    // Act
    const run = sweepClockTick(deps, { scheduled: false });

    // Assess
    await expect(run).rejects.toThrow(/1 of 3 steps failed: throttled/);
    expect(swept).toEqual(['sweeper-1']);
  });

  it('spreads ticks over the minute for every setting the stages use', () => {
    // Assess: deployed (4 × 15 s), chaos (11 × 5 s), polling comparison (2 × 30 s), one sweep a run.
    expect(tickDelays(4, 15)).toEqual([15, 30, 45]);
    expect(tickDelays(11, 5)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(tickDelays(2, 30)).toEqual([30]);
    expect(tickDelays(1, 15)).toEqual([]);
  });
});
