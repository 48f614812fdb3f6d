/**
 * How long a hop the stream path missed waits for the fallback, on the settings that deploy (read
 * from the packaged template, stage defaults), proven on the real sweep clock and sweeper with a
 * simulated clock: waiting minutes of real time for schedules would prove nothing more. The clock
 * runs once a minute by schedule and leaves itself the minute's other ticks; a tick starts the
 * sweeper of an outbox whose oldest pending row is past the grace, and that sweeper sweeps once. The e2e tier runs a
 * sweeper-only saga on these same settings (tests/e2e/sweeper-fallback.test.ts).
 */
import type { OutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import { sweepClockTick, tickDelays } from '../../lib/platform/relay/sweep-clock';
import { SWEEP_SAFETY_MS, sweepRepeatedly } from '../../lib/platform/relay/sweeper';
import { aFakePublisher } from '../steps/given';
import { packagedTemplate } from '../steps/template';

const functionNamed = (key: string) =>
  Object.values(packagedTemplate().Resources).find((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.FunctionName).endsWith(`-${key}`))!;
const envOf = (key: string) => (functionNamed(key).Properties.Environment as { Variables: Record<string, string> }).Variables;

/** The 30-second polling publisher this design replaces: a row waited at most 30 s, 15 s on average. */
const POLLING_WORST_MS = 30_000;
/** How late an EventBridge schedule may start a run (it fires within its minute, usually within seconds). */
const SCHEDULE_DELAY_MS = 5_000;

describe('sweeper timing on deployed settings', () => {
  const env = envOf('outboxSweepClock');
  const sweeperEnv = envOf('ordersOutboxSweeper');
  const graceMs = Number(env.SWEEP_GRACE_SECONDS) * 1000;
  const intervalMs = Number(env.SWEEP_INTERVAL_SECONDS) * 1000;
  const sweeps = Number(env.SWEEPS_PER_RUN);
  const timeoutMs = Number(functionNamed('ordersOutboxSweeper').Properties.Timeout) * 1000;
  const clockTimeoutMs = Number(functionNamed('outboxSweepClock').Properties.Timeout) * 1000;

  it('bounds the wait of a missed hop by grace + interval + schedule delay, at most 30 s, whenever the row was committed', async () => {
    // Prepare: a row committed every 250 ms over four minutes; scheduled runs every minute,
    // alternately on time and SCHEDULE_DELAY_MS late (the widest gap between two ticks).
    let clock = 0;
    const rows: OutboxRow[] = Array.from({ length: 960 }, (_, i) => ({ id: `r${i}`, type: 'order.created', aggregateId: `o${i}`, sequence: 1, createdAt: 60_000 + i * 250, payload: '' }));
    const publishedAt = new Map<string, number>();
    const pending = () => rows.filter((r) => r.createdAt <= clock && !publishedAt.has(r.id));
    const outbox = {
      findUnpublished: async (before: number) => ({ rows: rows.filter((r) => r.createdAt <= before && !publishedAt.has(r.id)) }),
      markPublished: async (ids: string[]) => {
        ids.forEach((id) => publishedAt.set(id, clock));
        return { marked: ids, failed: [] };
      },
      markUnpublishable: async () => undefined,
      claimForSweep: async (ids: string[]) => new Set(ids),
      releaseSweepClaims: async () => undefined,
      oldestUnpublishedAge: async (now: number) => (pending().length ? now - Math.min(...pending().map((r) => r.createdAt)) : 0),
    };
    rows.forEach((r) => (r.payload = JSON.stringify({ id: r.id, type: r.type, source: 'saga.orders', time: new Date(r.createdAt).toISOString() })));
    const { publisher } = aFakePublisher();
    const ticks: { at: number; scheduled: boolean }[] = [];
    for (let run = 0; run < 7; run += 1) ticks.push({ at: run * 60_000 + (run % 2) * SCHEDULE_DELAY_MS, scheduled: true });
    const deps = {
      outboxes: [{ metricService: 'orders-outbox', sweeper: 'ordersOutboxSweeper', outbox }],
      ticks: { sendAfter: async (delays: number[]) => void ticks.push(...delays.map((d) => ({ at: clock + d * 1000, scheduled: false }))) },
      // The sweeper it starts sweeps once, on the sweeper's own settings.
      sweepers: {
        sweep: async () => {
          const start = clock;
          await sweepRepeatedly({ publisher, outbox, graceMs: Number(sweeperEnv.SWEEP_GRACE_SECONDS) * 1000, now: () => clock, remainingMs: () => timeoutMs - (clock - start) }, { sweeps: 1, intervalMs });
        },
      },
      graceMs,
      ticksPerRun: sweeps,
      intervalSeconds: intervalMs / 1000,
      now: () => clock,
    };

    // Act
    while (ticks.length) {
      ticks.sort((a, b) => a.at - b.at);
      const tick = ticks.shift()!;
      clock = tick.at;
      await sweepClockTick(deps, { scheduled: tick.scheduled });
    }

    // Assess
    const waits = rows.map((r) => publishedAt.get(r.id)! - r.createdAt);
    expect(waits.every(Number.isFinite)).toBe(true);
    expect(Math.max(...waits)).toBeLessThanOrEqual(graceMs + intervalMs + SCHEDULE_DELAY_MS);
    expect(Math.max(...waits)).toBeLessThanOrEqual(POLLING_WORST_MS);
    expect(waits.reduce((a, b) => a + b, 0) / waits.length).toBeLessThanOrEqual(POLLING_WORST_MS / 2 + graceMs);
  });

  it('covers each minute with ticks, leaves a sweep its safety margin, and a sweeper-only saga well within its deadline', () => {
    // Assess
    expect(graceMs + intervalMs).toBeLessThanOrEqual(25_000);
    // The ticks a scheduled run leaves itself reach the next run; SQS delays them at most 900 s.
    expect(tickDelays(sweeps, intervalMs / 1000).at(-1)! + intervalMs / 1000).toBeGreaterThanOrEqual(60);
    expect(Math.max(...tickDelays(sweeps, intervalMs / 1000))).toBeLessThanOrEqual(900);
    expect(SWEEP_SAFETY_MS).toBeLessThan(timeoutMs);
    expect(clockTimeoutMs).toBeLessThanOrEqual(intervalMs);
    expect(sweeperEnv.SWEEP_GRACE_SECONDS).toBe(env.SWEEP_GRACE_SECONDS);
    const sagaTimeoutMs = Number(envOf('createOrder').SAGA_TIMEOUT_SECONDS) * 1000;
    expect(3 * POLLING_WORST_MS).toBeLessThanOrEqual(sagaTimeoutMs / 3);
  });
});
