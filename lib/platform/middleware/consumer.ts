import middy, { type MiddlewareObj, type Request } from '@middy/core';
import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { fullJitter, sleep as defaultSleep, type Sleep } from '../adapters/backoff';
import type { DeadLetterStore } from '../adapters/dynamodb/dead-letters';
import type { TransactionWriter } from '../adapters/dynamodb/transaction';
import { TransactionConflictError, TransactionThrottledError } from '../adapters/errors';
import { ConflictError, DuplicateEventError, EventProvenanceError, EventSchemaError } from '../errors';
import type { BaseEnvelope } from '../events/envelope';
import { checkProvenance } from '../events/provenance';
import type { Subscription } from '../saga/topology';
import type { Commit } from '../ports';
import { count, inInvocationScope, logger, metrics } from '../observability';
import { logFailures } from './event';

type BusEvent = EventBridgeEvent<string, unknown>;
export type ConsumerOutcome = { status: 'processed' | 'duplicate' | 'dead-lettered'; eventId?: string };

/** What the idempotency middleware hands the handler: the event, and a commit that carries its marker. */
export interface ConsumerContext extends Context {
  envelope: BaseEnvelope;
  commit: Commit;
  committed: boolean;
}
type ConsumerRequest = Request<BusEvent, ConsumerOutcome, Error, ConsumerContext>;

/** At most this many error details go into a log line (an event can break its contract 100,000 times over). */
const MAX_LOGGED_DETAILS = 20;
const PLAUSIBLE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const plausible = (value: unknown): string | undefined => (typeof value === 'string' && PLAUSIBLE_ID.test(value) ? value : undefined);

/**
 * What a rejected envelope says about itself (order, event id, type), kept only when it looks like
 * an id: it files the dead letter under its order, so `describeSaga` can show it. Hostile input
 * cannot put an oversized or odd key into the index.
 */
const claimedIdentity = (detail: unknown): { aggregateId?: string; eventId?: string; eventType?: string } => {
  if (typeof detail !== 'object' || detail === null) return {};
  const d = detail as Record<string, unknown>;
  const identity = { aggregateId: plausible(d.aggregateId), eventId: plausible(d.id), eventType: plausible(d.type) };
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined));
};

/**
 * Sets an event that can never succeed aside, with the reason, and ends the invocation successfully:
 * it is neither retried nor able to block anything behind it, and nothing was changed.
 */
const deadLetter = async (request: ConsumerRequest, opts: { consumer: string; deadLetters: Pick<DeadLetterStore, 'put'> }, error: EventSchemaError): Promise<void> => {
  await opts.deadLetters.put({ consumer: opts.consumer, reason: error.message, details: error.details, event: request.event, ...claimedIdentity(request.event.detail) });
  logger.error('Event dead-lettered', {
    consumer: opts.consumer,
    reason: error.message,
    details: error.details.slice(0, MAX_LOGGED_DETAILS),
    detailCount: error.details.length,
  });
  count('EventsDeadLettered');
  request.earlyResponse = { status: 'dead-lettered' };
  // An early response skips every `after`: let Powertools flush the metric the alarm watches.
  await cleanupMiddlewares(request);
};

/**
 * Validates the envelope in `detail` against its contract (which includes: its source owns its
 * type). An event that breaks it, or that this consumer does not accept, is dead-lettered.
 */
export const envelopeValidator = (opts: {
  consumer: string;
  accepts: readonly string[];
  parse: (input: unknown) => BaseEnvelope;
  deadLetters: Pick<DeadLetterStore, 'put'>;
}): MiddlewareObj<BusEvent, ConsumerOutcome, Error, ConsumerContext> => {
  const envelopeValidatorBefore = async (request: ConsumerRequest): Promise<void> => {
    let envelope: BaseEnvelope;
    try {
      envelope = opts.parse(request.event.detail);
      if (!opts.accepts.includes(envelope.type)) {
        throw new EventSchemaError(`${opts.consumer} does not accept "${envelope.type}"`, [{ path: 'type', message: `expected one of ${opts.accepts.join(', ')}` }]);
      }
    } catch (error) {
      if (!(error instanceof EventSchemaError)) throw error;
      return deadLetter(request, opts, error);
    }
    request.context.envelope = envelope;
    logger.appendKeys({ correlationId: envelope.correlationId, eventId: envelope.id, eventType: envelope.type, consumer: opts.consumer });
  };
  return { before: envelopeValidatorBefore };
};

/**
 * Provenance, before idempotency: the envelope must agree with the bus event that carried it
 * (`source`, `detail-type`) and be about the aggregate its data names (`data[idField]`). A smuggled
 * or forged envelope is dead-lettered with the reason and changes nothing (not even a processed marker).
 */
export const provenanceGuard = (opts: { consumer: string; idField: string; deadLetters: Pick<DeadLetterStore, 'put'> }): MiddlewareObj<BusEvent, ConsumerOutcome, Error, ConsumerContext> => {
  const provenanceGuardBefore = async (request: ConsumerRequest): Promise<void> => {
    try {
      checkProvenance({ source: request.event.source, detailType: request.event['detail-type'] }, request.context.envelope, opts.idField);
    } catch (error) {
      if (!(error instanceof EventProvenanceError)) throw error;
      await deadLetter(request, opts, error);
    }
  };
  return { before: provenanceGuardBefore };
};

/**
 * Exactly-once effects. The marker "consumer X processed event Y" is committed in the SAME
 * transaction as X's writes and outbox records (`context.commit` adds it), guarded by
 * `attribute_not_exists`: a duplicate fails that condition atomically and is skipped. There is
 * deliberately no read of the marker beforehand: it would cost a read on every event to save work
 * only on the rare duplicate, and the condition is the guarantee anyway.
 */
export const idempotentConsumer = (opts: {
  consumer: string;
  tx: Pick<TransactionWriter, 'commit' | 'countDuplicate'>;
  onDuplicate?: ConsumerDeps['onDuplicate'];
}): MiddlewareObj<BusEvent, ConsumerOutcome, Error, ConsumerContext> => {
  const duplicate = async (request: ConsumerRequest): Promise<ConsumerOutcome> => {
    const eventId = request.context.envelope.id;
    logger.info('Duplicate event skipped');
    count('DuplicatesSkipped');
    // Per-saga visibility of re-deliveries (describeSaga). Best effort: the event was handled
    // either way, and failing here would only make the platform deliver it once more.
    try {
      await opts.tx.countDuplicate({ consumer: opts.consumer, eventId });
    } catch (error) {
      logger.warn('Duplicate not counted on its marker', { error: (error as Error).message });
    }
    if (opts.onDuplicate) {
      // Best effort too: a failure here leaves things as they were, and the next re-drive tries again.
      try {
        await opts.onDuplicate(request.context.envelope);
      } catch (error) {
        logger.warn('Answering a duplicate failed', { error: (error as Error).message });
      }
    }
    return { status: 'duplicate', eventId };
  };
  const idempotentConsumerBefore = (request: ConsumerRequest): void => {
    const { envelope } = request.context;
    const marker = { consumer: opts.consumer, eventId: envelope.id, eventType: envelope.type, startedAt: new Date().toISOString() };
    request.context.committed = false;
    request.context.commit = async (unit) => {
      await opts.tx.commit(unit, marker);
      request.context.committed = true;
    };
  };
  const idempotentConsumerAfter = (request: ConsumerRequest): void => {
    // A handler that returned without committing would leave an effect-free event unmarked, or
    // worse, effects without a marker: refuse, so the event is retried.
    if (!request.context.committed) throw new Error(`${opts.consumer} returned without committing its unit of work`);
  };
  const idempotentConsumerOnError = async (request: ConsumerRequest): Promise<void> => {
    if (request.error instanceof DuplicateEventError) request.response = await duplicate(request);
  };
  return { before: idempotentConsumerBefore, after: idempotentConsumerAfter, onError: idempotentConsumerOnError };
};

export interface ConsumerDeps {
  tx: Pick<TransactionWriter, 'commit' | 'countDuplicate'>;
  deadLetters: Pick<DeadLetterStore, 'put'>;
  /** What to do, besides skipping it, with an event this consumer already applied. */
  onDuplicate?: (envelope: BaseEnvelope) => Promise<unknown>;
  /** Waits between re-runs after a concurrent change (injected by tests). */
  sleep?: Sleep;
}

/** Runs of a handler in one invocation at most, whatever the time left (a bound for callers without a Lambda context). */
export const CONFLICT_ATTEMPTS = 12;
/**
 * Time a re-run needs to read, decide and commit once more. A handler is re-run only while more
 * than this is left of the invocation, so contention never turns into a timeout: the invocation
 * fails in time, and the platform's retry takes over.
 */
export const RERUN_RESERVE_MS = 3_000;

/**
 * DynamoDB said the items were busy, past the writer's own retries: a concurrent transaction on a
 * hot item (`TransactionConflict`, or `TransactionConflictException` on a plain write to an item in
 * a pending transaction), or throttling. Nothing was written; the same run later may well pass.
 */
const BUSY_ERRORS = new Set(['TransactionConflictException', 'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
const isContention = (error: unknown): boolean =>
  error instanceof TransactionConflictError || error instanceof TransactionThrottledError || (error instanceof Error && BUSY_ERRORS.has(error.name));

/**
 * Optimistic concurrency and contention inside the invocation. A `ConflictError` means the state
 * the handler read changed before its transaction (another event of the same order won the race, a
 * stock shard was emptied by another order; DynamoDB cancelled the whole transaction, marker
 * included); contention means the items were busy. Either way the handler runs again on fresh
 * state, after a jittered wait. This is ordinary traffic (a flash sale is mostly this): leaving it to
 * Lambda's retry would cost a minute of saga latency per attempt, count invocation errors towards
 * the consumer-errors alarm, and after two retries park the event in the failure destination. Past
 * `CONFLICT_ATTEMPTS`, or with less than `RERUN_RESERVE_MS` of the invocation left, the error goes
 * up and the platform's retry takes over.
 */
const rerunOnConflict = async (run: () => Promise<void>, sleep: Sleep, remainingMs: () => number): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const contention = isContention(error);
      if (!(error instanceof ConflictError || contention) || attempt >= CONFLICT_ATTEMPTS) throw error;
      const wait = fullJitter(20, attempt, 1000);
      if (remainingMs() - wait < RERUN_RESERVE_MS) throw error;
      count(contention ? 'ContentionRetried' : 'ConcurrentChangesRetried');
      logger.info(contention ? 'Items busy (contention); running the handler again on fresh state' : 'State changed concurrently; running the handler again on fresh state', {
        attempt,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      await sleep(wait);
    }
  }
};

/**
 * Middleware first, handler last: context in logs, metrics, contract validation, provenance, idempotency.
 * The handler receives a validated envelope of an accepted type and a commit function.
 */
export const consumerHandler = <E extends BaseEnvelope>(opts: Subscription<E>, deps: ConsumerDeps, handler: (envelope: E, commit: Commit) => Promise<void>) =>
  inInvocationScope(
    middy<BusEvent, ConsumerOutcome, Error, ConsumerContext>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .use(logFailures<BusEvent, ConsumerOutcome>())
      .use(envelopeValidator({ consumer: opts.consumer, accepts: opts.accepts, parse: opts.parse, deadLetters: deps.deadLetters }))
      .use(provenanceGuard({ consumer: opts.consumer, idField: opts.idField, deadLetters: deps.deadLetters }))
      .use(idempotentConsumer({ consumer: opts.consumer, tx: deps.tx, onDuplicate: deps.onDuplicate }))
      .handler(async (_event, context) => {
        const remainingMs = () => (typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity);
        await rerunOnConflict(() => handler(context.envelope as E, context.commit), deps.sleep ?? defaultSleep, remainingMs);
        return { status: 'processed', eventId: context.envelope.id };
      }),
  );
