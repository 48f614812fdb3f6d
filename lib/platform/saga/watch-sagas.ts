import { ConflictError } from '../errors';
import { compensationConfirmed, nextRedriveCheck, type SagaState } from './state';
import type { SagaTopology } from './topology';
import { count, logger } from '../observability';
import type { Clock, DueWatch, EventRepublisher, ProcessedEvents, RedriveWatch, SagaWatchStore, Transactions, WatchCursor } from '../ports';

/**
 * Re-drives of one saga's last event after which `CompensationStuck` (a cancellation) or
 * `DeliveryStuck` (a confirmation) is emitted, and alarms, on every further one.
 */
export const COMPENSATION_STUCK_AFTER = 3;
/** What a run leaves itself to finish the page in hand before the invocation times out. */
export const WATCHDOG_SAFETY_MS = 5_000;
/** Sagas handled at once within a page. */
const CONCURRENCY = 8;

export interface WatchSagasDeps {
  /** The saga's keeper's store of watches. */
  keeper: SagaWatchStore;
  /** What the saga's declaration says: its compensations, its ending events, who must receive the confirmation. */
  topology: Pick<SagaTopology, 'compensationSteps' | 'deliveryConsumers'> & { saga: { ends: { confirmed: string; cancelled: string } } };
  /**
   * The keeper's deadline rule for one saga past its deadline: `cancelled` when it cancelled it
   * (and committed that), `nothing` when the saga had already ended (the watch is then stopped).
   */
  timeOut: (watch: DueWatch, now: Date) => Promise<'cancelled' | 'nothing'>;
  tx: Transactions;
  clock: Clock;
  republisher: EventRepublisher;
  /** Processed-event markers of the consumers of the confirmation, read in their own inboxes. */
  processed: ProcessedEvents;
  redrive: { delayMs: number; maxDelayMs: number };
}

export interface WatchSagasResult {
  cancelled: number;
  redriven: number;
  compensated: number;
  delivered: number;
  failed: number;
  /** False when the run ran out of time before it had seen every due saga; the next run carries on. */
  complete: boolean;
}

type Outcome = 'cancelled' | 'redriven' | 'compensated' | 'delivered' | 'nothing';

/**
 * The deadline watch: a saga still running past its deadline is cancelled by its keeper. A saga
 * confirmed before it keeps this watch as its first delivery check (confirming moved nothing in
 * the watch index: no index write per saga); any other finished saga leaves the watch.
 */
const handleDeadline = async (watch: DueWatch, deps: WatchSagasDeps, now: Date): Promise<Outcome> => {
  const outcome = await deps.timeOut(watch, now);
  if (outcome !== 'nothing') return outcome;
  const saga = deps.topology.deliveryConsumers.length ? await deps.keeper.getSaga(watch.sagaId) : undefined;
  if (saga?.steps.confirmation && !saga.deliveredAt) return handleDelivery(watch, deps, now, saga);
  await deps.tx.commit({ writes: [deps.keeper.stopWatching(watch.sagaId)], events: [] });
  return 'nothing';
};

/**
 * Schedules the next check (the delay doubling after each attempt), then re-publishes the stored
 * event that ended a saga (same envelope id: a consumer that applied it skips it, one whose
 * retries ran out applies it now). The schedule is a guarded commit and comes first: when the saga
 * moved meanwhile (its answers arrived, another run got there first), it is refused and nothing is
 * published; when publishing fails after it, the next check tries again.
 */
const redrive = async (saga: SagaState, watch: RedriveWatch, eventId: string | undefined, missing: Record<string, boolean>, deps: WatchSagasDeps, now: Date): Promise<Outcome> => {
  const { sagaId, orderId } = saga;
  const attempts = (saga.redriveAttempts ?? 0) + 1;
  await deps.tx.commit({ writes: [deps.keeper.scheduleRedrive(sagaId, watch, attempts, nextRedriveCheck(now, attempts, deps.redrive))], events: [] });
  const published = eventId ? await deps.republisher.republish(eventId) : 'missing';
  const type = watch === 'compensation' ? deps.topology.saga.ends.cancelled : deps.topology.saga.ends.confirmed;
  const log = { orderId, correlationId: sagaId, eventId, attempts, published, missing };
  if (published !== 'published') throw new Error(`Could not re-publish ${type} of order ${orderId}: ${published}`);
  const metric = watch === 'compensation' ? 'Compensation' : 'Delivery';
  count(`${metric}Redriven`);
  if (attempts >= COMPENSATION_STUCK_AFTER) {
    count(`${metric}Stuck`);
    logger.error(`${type} still not processed by every consumer after repeated re-drives`, log);
  } else {
    logger.warn(`${type} not processed by every consumer in time; re-published`, log);
  }
  return 'redriven';
};

/**
 * The compensation watch: a cancelled saga is finished only when every compensation step is
 * recorded. Until then its stored cancellation is re-published.
 */
const handleCompensation = async ({ sagaId }: DueWatch, deps: WatchSagasDeps, now: Date): Promise<Outcome> => {
  const saga = await deps.keeper.getSaga(sagaId);
  if (!saga) return 'nothing';
  if (compensationConfirmed(saga, deps.topology.compensationSteps)) {
    await deps.tx.commit({ writes: [deps.keeper.confirmCompensation(sagaId, now)], events: [] });
    return 'compensated';
  }
  return redrive(saga, 'compensation', saga.steps.cancellation?.eventId, Object.fromEntries(deps.topology.compensationSteps.map((name) => [name, !saga.steps[name]])), deps, now);
};

/**
 * The delivery watch: a confirmed saga is finished only when every consumer subscribed to the
 * confirmation (which answers nothing) has its processed marker for it, so a consumer that gave up
 * on it (an outage longer than its retries) still gets it. Until then the stored confirmation is
 * re-published. Every other event of a saga is either answered (and
 * so watched by the deadline or the compensation watch) or is this one.
 */
const handleDelivery = async ({ sagaId }: DueWatch, deps: WatchSagasDeps, now: Date, read?: SagaState): Promise<Outcome> => {
  const saga = read ?? (await deps.keeper.getSaga(sagaId));
  if (!saga) return 'nothing';
  const eventId = saga.steps.confirmation?.eventId;
  const consumers = deps.topology.deliveryConsumers;
  const processed = eventId ? new Set((await deps.processed.find(consumers.map((consumer) => ({ consumer, eventId })))).map((r) => r.consumer)) : new Set<string>();
  const missing = Object.fromEntries(consumers.map((c) => [c, !processed.has(c)]));
  if (eventId && consumers.every((c) => processed.has(c))) {
    await deps.tx.commit({ writes: [deps.keeper.confirmDelivery(sagaId, now)], events: [] });
    return 'delivered';
  }
  return redrive(saga, 'delivery', eventId, missing, deps, now);
};

const handlers: Record<DueWatch['kind'], (watch: DueWatch, deps: WatchSagasDeps, now: Date) => Promise<Outcome>> = {
  deadline: handleDeadline,
  compensation: handleCompensation,
  delivery: handleDelivery,
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
  const result: WatchSagasResult = { cancelled: 0, redriven: 0, compensated: 0, delivered: 0, failed: 0, complete: true };
  let cursor: WatchCursor | undefined;
  do {
    if (remaining() < WATCHDOG_SAFETY_MS) {
      result.complete = false;
      break;
    }
    const page = await deps.keeper.findDueWatches(now, cursor);
    cursor = page.cursor;
    for (let i = 0; i < page.due.length; i += CONCURRENCY) {
      const outcomes = await Promise.allSettled(
        page.due.slice(i, i + CONCURRENCY).map((watch) => handlers[watch.kind](watch, deps, now)),
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
