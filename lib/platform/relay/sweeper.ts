import { sleep, type Sleep } from '../adapters/backoff';
import { count, logger, metrics, MetricUnit } from '../observability';
import type { EventPublisher, RelayOutbox, UnpublishedCursor } from './ports';
import { publishOutboxRows } from './publish-rows';

export interface SweepDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'findUnpublished' | 'markPublished' | 'markUnpublishable' | 'oldestUnpublishedAge'>;
  /** Rows younger than this are left to the stream forwarder, which is normally done in ms. */
  graceMs: number;
  now?: () => number;
  /**
   * Time left in the invocation (Lambda's `getRemainingTimeInMillis`). A sweep pages through every
   * stale row, but stops taking new pages when less than `SWEEP_SAFETY_MS` is left; the next sweep
   * carries on from the oldest rows.
   */
  remainingMs?: () => number;
}

export interface SweepResult {
  found: number;
  recovered: number;
  failed: number;
  /** Rows kept pending because they cannot be published as they are (they alarm). */
  unpublishable: number;
  /** False when the sweep ran out of time before it had seen every stale row. */
  complete: boolean;
}

/** What a sweep leaves itself to publish and mark the page in hand before the invocation times out. */
export const SWEEP_SAFETY_MS = 5_000;

/**
 * The fallback path: publishes what the stream forwarder missed, every stale row, page by page
 * (there is no cap: a backlog after an outage drains in one sweep if the time allows, and the
 * next sweep continues otherwise). In a healthy system it finds nothing, so
 * `OutboxRecordsRecovered` is a metric that should stay at 0.
 */
export const sweepOutbox = async (deps: SweepDeps): Promise<SweepResult> => {
  const now = deps.now ?? Date.now;
  const remaining = deps.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  // The outbox lag the operators watch: age of the oldest unpublished row. Emitted on every sweep, so a
  // missing datapoint means the sweeper itself stopped (the alarm treats that as breaching).
  metrics.addMetric('OutboxOldestUnpublishedAge', MetricUnit.Milliseconds, await deps.outbox.oldestUnpublishedAge(now()));
  const before = now() - deps.graceMs;
  const result: SweepResult = { found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true };
  let cursor: UnpublishedCursor | undefined;
  do {
    if (remaining() < SWEEP_SAFETY_MS) {
      result.complete = false;
      break;
    }
    const page = await deps.outbox.findUnpublished(before, cursor);
    cursor = page.cursor;
    if (page.rows.length === 0) continue;
    const { failedIds, published, unpublishable } = await publishOutboxRows(page.rows, { ...deps, path: 'sweeper' });
    result.found += page.rows.length;
    result.recovered += published;
    result.failed += failedIds.size;
    result.unpublishable += unpublishable;
  } while (cursor);
  if (result.found === 0) return result;
  count('OutboxRecordsRecovered', result.recovered);
  logger.warn('Sweeper recovered unpublished outbox records', { ...result });
  return result;
};

/**
 * Lambda schedules are at least a minute apart; one run sweeps `sweeps` times, `intervalMs` apart,
 * and skips a sweep it could not finish before the invocation times out.
 */
export const sweepRepeatedly = async (
  deps: SweepDeps,
  options: { sweeps: number; intervalMs: number; sleep?: Sleep },
): Promise<SweepResult[]> => {
  const wait = options.sleep ?? sleep;
  const remaining = deps.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const results: SweepResult[] = [];
  for (let i = 0; i < options.sweeps; i += 1) {
    if (i > 0) {
      if (remaining() < options.intervalMs + SWEEP_SAFETY_MS) break;
      await wait(options.intervalMs);
    }
    results.push(await sweepOutbox(deps));
  }
  return results;
};
