import { sleep, type Sleep } from '../adapters/backoff';
import { count, logger, metrics, MetricUnit } from '../observability';
import type { EventPublisher, RelayOutbox } from './ports';
import { publishOutboxRows } from './publish-rows';

export interface SweepDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'findUnpublished' | 'markPublished' | 'markDeadLettered' | 'oldestUnpublishedAge'>;
  /** Rows younger than this are left to the stream forwarder, which is normally done in ms. */
  graceMs: number;
  now?: () => number;
}

export interface SweepResult {
  found: number;
  recovered: number;
  failed: number;
}

/**
 * The fallback path: publishes what the stream forwarder missed. In a healthy system it finds
 * nothing, so `OutboxRecordsRecovered` is a metric that should stay at 0.
 */
export const sweepOutbox = async (deps: SweepDeps): Promise<SweepResult> => {
  const now = deps.now ?? Date.now;
  // The outbox lag the operators watch: age of the oldest unpublished row. Emitted on every sweep, so a
  // missing datapoint means the sweeper itself stopped (the alarm treats that as breaching).
  metrics.addMetric('OutboxOldestUnpublishedAge', MetricUnit.Milliseconds, await deps.outbox.oldestUnpublishedAge(now()));
  const stale = await deps.outbox.findUnpublished(now() - deps.graceMs);
  if (stale.length === 0) return { found: 0, recovered: 0, failed: 0 };
  const { failedIds, published } = await publishOutboxRows(stale, { ...deps, path: 'sweeper' });
  count('OutboxRecordsRecovered', published);
  logger.warn('Sweeper recovered unpublished outbox records', { found: stale.length, recovered: published, failed: failedIds.size });
  return { found: stale.length, recovered: published, failed: failedIds.size };
};

/** Lambda schedules are at least a minute apart; one run sweeps `sweeps` times, `intervalMs` apart. */
export const sweepRepeatedly = async (
  deps: SweepDeps,
  options: { sweeps: number; intervalMs: number; sleep?: Sleep },
): Promise<SweepResult[]> => {
  const wait = options.sleep ?? sleep;
  const results: SweepResult[] = [];
  for (let i = 0; i < options.sweeps; i += 1) {
    if (i > 0) await wait(options.intervalMs);
    results.push(await sweepOutbox(deps));
  }
  return results;
};
