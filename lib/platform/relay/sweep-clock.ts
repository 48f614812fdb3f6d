import { logger, MetricUnit, serviceMetric } from '../observability';
import type { RelayOutbox, SweeperTrigger, SweepTicks } from './ports';

/** One outbox the clock watches, and the sweeper that drains it. */
export interface WatchedOutbox {
  /** The metric dimension of the outbox (`<service>-outbox`), as its alarm reads it. */
  metricService: string;
  sweeper: string;
  outbox: Pick<RelayOutbox, 'oldestUnpublishedAge'>;
}

export interface SweepClockDeps {
  outboxes: WatchedOutbox[];
  ticks: SweepTicks;
  sweepers: SweeperTrigger;
  /** Rows younger than this are the stream forwarder's, which is normally done in ms. */
  graceMs: number;
  /** Ticks per scheduled run (`SWEEPS_PER_RUN`), `intervalSeconds` apart (`SWEEP_INTERVAL_SECONDS`). */
  ticksPerRun: number;
  intervalSeconds: number;
  now?: () => number;
}

export interface TickResult {
  /** Sweepers started, by function name (an outbox with a row past its grace). */
  swept: string[];
  /** Ticks this run left for later in the minute (scheduled runs only). */
  ticksSent: number;
}

/** The delays of the ticks a scheduled run leaves itself: the rest of its minute, `intervalSeconds` apart. */
export const tickDelays = (ticksPerRun: number, intervalSeconds: number): number[] =>
  Array.from({ length: Math.max(0, Math.floor(ticksPerRun) - 1) }, (_, i) => (i + 1) * intervalSeconds);

/**
 * The relay's fallback clock. Schedules fire at most once a minute, so a scheduled run leaves
 * itself the minute's other ticks on a delay queue; every tick reads the head of each outbox's
 * pending index (one small query per shard), reports its age, and starts the sweeper only where a
 * row has waited past the grace. An idle stage therefore pays for a few reads a tick and no sweeper
 * at all, instead of a sweeper billed while it sleeps between sweeps.
 */
export const sweepClockTick = async (deps: SweepClockDeps, { scheduled }: { scheduled: boolean }): Promise<TickResult> => {
  const now = deps.now ?? Date.now;
  const delays = scheduled ? tickDelays(deps.ticksPerRun, deps.intervalSeconds) : [];
  // The ticks go out first: a failing outbox read must not cost the rest of the minute.
  const sent = delays.length ? deps.ticks.sendAfter(delays) : Promise.resolve();
  const checks = deps.outboxes.map(async ({ metricService, sweeper, outbox }) => {
    const age = await outbox.oldestUnpublishedAge(now());
    // Emitted on every tick, so a missing datapoint means the fallback itself stopped (the alarm
    // treats that as breaching).
    serviceMetric(metricService, 'OutboxOldestUnpublishedAge', MetricUnit.Milliseconds, age);
    if (age < deps.graceMs || age === 0) return undefined;
    await deps.sweepers.sweep(sweeper);
    return sweeper;
  });
  const [tickOutcome, ...outcomes] = await Promise.allSettled([sent, ...checks]);
  const failures = [tickOutcome, ...outcomes].filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  const swept = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
  if (swept.length) logger.info('Sweep clock started sweepers', { swept });
  if (failures.length) {
    // Every outbox was tried; the failure still fails the run, so it counts in the Errors alarm.
    throw new AggregateError(failures.map((f) => f.reason), `Sweep clock: ${failures.length} of ${outcomes.length + 1} steps failed: ${failures.map((f) => (f.reason as Error)?.message).join('; ')}`);
  }
  return { swept, ticksSent: delays.length };
};
