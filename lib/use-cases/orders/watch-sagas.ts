import { ConflictError } from '../../domain/errors';
import { compensationConfirmed, nextRedriveCheck } from '../../domain/orders/saga';
import { timeOut } from '../../domain/orders/transitions';
import { count, logger } from '../../observability';
import type { Clock, DueWatch, EventRepublisher, OrdersStore, Transactions, WatchCursor } from '../ports';
import { sagaMetrics } from './saga-metrics';

/** Re-drives of one cancellation after which `CompensationStuck` is emitted (and alarms) on every further one. */
export const COMPENSATION_STUCK_AFTER = 3;
/** What a run leaves itself to finish the page in hand before the invocation times out. */
export const WATCHDOG_SAFETY_MS = 5_000;
/** Sagas handled at once within a page. */
const CONCURRENCY = 8;

export interface WatchSagasDeps {
  orders: OrdersStore;
  tx: Transactions;
  clock: Clock;
  republisher: EventRepublisher;
  compensation: { delayMs: number; maxDelayMs: number };
}

export interface WatchSagasResult {
  cancelled: number;
  redriven: number;
  compensated: number;
  failed: number;
  /** False when the run ran out of time before it had seen every due saga; the next run carries on. */
  complete: boolean;
}

type Outcome = 'cancelled' | 'redriven' | 'compensated' | 'nothing';

/** The deadline watch: a saga still PENDING past its deadline is cancelled (`Saga timed out`). */
const handleDeadline = async ({ sagaId, orderId }: DueWatch, deps: WatchSagasDeps, now: Date): Promise<Outcome> => {
  const order = await deps.orders.getOrder(orderId);
  const reaction = order && timeOut(order, now);
  if (!reaction) {
    await deps.tx.commit({ writes: [deps.orders.stopWatching(sagaId)], events: [] });
    return 'nothing';
  }
  await deps.tx.commit({ writes: deps.orders.reactionWrites(orderId, reaction), events: reaction.events });
  sagaMetrics(reaction.order!, now);
  logger.warn('Saga timed out; order cancelled', { orderId, correlationId: sagaId, deadline: order!.deadline });
  return 'cancelled';
};

/**
 * The compensation watch: a cancelled saga is finished only when both compensation steps are
 * recorded. Until then its stored `order.cancelled` is re-published (same envelope id: a
 * participant that applied it skips it, one whose retries ran out applies it now), with the
 * delay doubling after each attempt.
 */
const handleCompensation = async ({ sagaId, orderId }: DueWatch, deps: WatchSagasDeps, now: Date): Promise<Outcome> => {
  const saga = await deps.orders.getSaga(sagaId);
  if (!saga) return 'nothing';
  if (compensationConfirmed(saga)) {
    await deps.tx.commit({ writes: [deps.orders.confirmCompensation(sagaId, now)], events: [] });
    return 'compensated';
  }
  const eventId = saga.steps.cancellation?.eventId;
  const published = eventId ? await deps.republisher.republish(eventId) : 'missing';
  const attempts = (saga.redriveAttempts ?? 0) + 1;
  // Scheduled even when publishing failed: the next check tries again, after the backoff.
  await deps.tx.commit({ writes: [deps.orders.scheduleRedrive(sagaId, attempts, nextRedriveCheck(now, attempts, deps.compensation))], events: [] });
  const log = { orderId, correlationId: sagaId, eventId, attempts, published, missing: { inventoryRelease: !saga.steps.inventoryRelease, paymentRefund: !saga.steps.paymentRefund } };
  if (published !== 'published') throw new Error(`Could not re-publish order.cancelled of order ${orderId}: ${published}`);
  count('CompensationRedriven');
  if (attempts >= COMPENSATION_STUCK_AFTER) {
    count('CompensationStuck');
    logger.error('Compensation still not recorded after repeated re-drives', log);
  } else {
    logger.warn('Compensation not recorded in time; order.cancelled re-published', log);
  }
  return 'redriven';
};

/**
 * The watchdog's run: every saga due in the watch index, page after page (no cap), until the
 * index is drained or the invocation is about to time out. One saga that fails is logged,
 * counted (`WatchdogFailures`) and skipped; the rest are handled regardless, and the failed one
 * is due again at the next run.
 */
export const watchSagas = async (deps: WatchSagasDeps, budget: { remainingMs?: () => number } = {}): Promise<WatchSagasResult> => {
  const remaining = budget.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const now = deps.clock();
  const result: WatchSagasResult = { cancelled: 0, redriven: 0, compensated: 0, failed: 0, complete: true };
  let cursor: WatchCursor | undefined;
  do {
    if (remaining() < WATCHDOG_SAFETY_MS) {
      result.complete = false;
      break;
    }
    const page = await deps.orders.findDueWatches(now, cursor);
    cursor = page.cursor;
    for (let i = 0; i < page.due.length; i += CONCURRENCY) {
      const outcomes = await Promise.allSettled(
        page.due.slice(i, i + CONCURRENCY).map((watch) => (watch.kind === 'deadline' ? handleDeadline : handleCompensation)(watch, deps, now)),
      );
      outcomes.forEach((outcome, j) => {
        if (outcome.status === 'fulfilled') {
          if (outcome.value !== 'nothing') result[outcome.value] += 1;
          return;
        }
        // The saga moved while we looked (an event won the race): the next run sees the new state.
        if (outcome.reason instanceof ConflictError) return;
        const watch = page.due[i + j]!;
        result.failed += 1;
        logger.error('Watchdog could not handle a saga; skipped until the next run', { ...watch, correlationId: watch.sagaId, error: outcome.reason as Error });
      });
    }
  } while (cursor);
  count('WatchdogFailures', result.failed);
  return result;
};
