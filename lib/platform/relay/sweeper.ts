import { sleep, type Sleep } from '../adapters/backoff';
import { count, logger, metrics, MetricUnit } from '../observability';
import type { EventPublisher, RelayOutbox, UnpublishedCursor } from './ports';
import { publishOutboxRows, readCommittedEvent } from './publish-rows';

export interface SweepDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'findUnpublished' | 'claimForSweep' | 'releaseSweepClaims' | 'markPublished' | 'markUnpublishable' | 'oldestUnpublishedAge'>;
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
  /** Stale rows another sweep still running had claimed: left to it. */
  claimedElsewhere: number;
}

/**
 * How long a sweep holds the rows it claimed: longer than publishing and marking a page takes. A
 * sweep that died holding rows leaves them to the first sweep after the lease.
 */
export const SWEEP_CLAIM_MS = 30_000;

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
  const result: SweepResult = { found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 };
  let cursor: UnpublishedCursor | undefined;
  do {
    if (remaining() < SWEEP_SAFETY_MS) {
      result.complete = false;
      break;
    }
    const page = await deps.outbox.findUnpublished(before, cursor);
    cursor = page.cursor;
    if (page.rows.length === 0) continue;
    // Sweeps can overlap (the clock starts one per tick; a slow one is still running): each row is
    // published by the one sweep that claims it, never by every sweep that sees it. A row that
    // cannot be published as it is goes on unclaimed (it is only counted and kept pending).
    const publishable = page.rows.filter((row) => 'event' in readCommittedEvent(row)).map((row) => row.id);
    const claimed = publishable.length ? await deps.outbox.claimForSweep(publishable, now(), SWEEP_CLAIM_MS) : new Set<string>();
    result.found += page.rows.length;
    result.claimedElsewhere += publishable.length - claimed.size;
    const claimable = new Set(publishable);
    const mine = page.rows.filter((row) => claimed.has(row.id) || !claimable.has(row.id));
    if (mine.length === 0) continue;
    const { failedIds, published, unpublishable } = await publishOutboxRows(mine, { ...deps, path: 'sweeper' });
    // What failed to publish is let go at once, so the next sweep tries it without waiting out the lease.
    if (failedIds.size) await deps.outbox.releaseSweepClaims([...failedIds]).catch(() => undefined);
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
