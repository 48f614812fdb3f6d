/**
 * What the platform's use cases (and every service's) need from the world, as types only.
 * Adapters implement these; composition roots build them from config. Nothing here knows about
 * DynamoDB or EventBridge, or about any service of a saga: each service adds its own ports.
 */
import type { BaseEnvelope } from './events/envelope';
import type { SagaState } from './saga/state';

/**
 * One write a repository prepared, committed atomically with the rest of its unit of work. Its
 * shape belongs to the storage adapter that built it; use cases only pass it along.
 * `onConditionFailed` says what a failed guard means to the domain; it receives the item that
 * failed the guard when the store returned it (in the adapter's own shape).
 */
export interface TxWrite<W extends object = object> {
  write: W;
  onConditionFailed?: (current?: unknown) => Error;
}

/** State changes plus the events they raise, committed in one transaction with their outbox rows. */
export interface UnitOfWork {
  writes: TxWrite[];
  events: BaseEnvelope[];
}

/** Commits a unit of work; in a consumer it also carries the processed-event marker. */
export type Commit = (unit: UnitOfWork) => Promise<void>;

/** A unit that changes nothing: committing it records only the marker ("seen, nothing to do"). */
export const nothing = (): UnitOfWork => ({ writes: [], events: [] });

/** Where use cases get the time from, injected once by the composition root. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Commits for writes that answer no event (a request, the watchdog): no marker. */
export interface Transactions {
  commit(unit: UnitOfWork): Promise<void>;
}

/**
 * A saga the watchdog must look at: past its deadline, cancelled and due for a compensation
 * check, or confirmed and due for a check that every consumer of `order.confirmed` processed it.
 */
export interface DueWatch {
  sagaId: string;
  orderId: string;
  kind: 'deadline' | 'compensation' | 'delivery';
}
/** The watches that re-drive the event that ended a saga until its consumers have it. */
export type RedriveWatch = Exclude<DueWatch['kind'], 'deadline'>;
/** Where a paged read of the due sagas stopped (opaque to the use case). */
export type WatchCursor = Record<string, unknown>;

/** What the saga's keeper stores about its sagas' watches, which the watchdog works through. */
export interface SagaWatchStore {
  getSaga(sagaId: string): Promise<SagaState | undefined>;
  findDueWatches(now: Date, cursor?: WatchCursor): Promise<{ due: DueWatch[]; cursor?: WatchCursor }>;
  stopWatching(sagaId: string): TxWrite;
  confirmCompensation(sagaId: string, at: Date): TxWrite;
  confirmDelivery(sagaId: string, at: Date): TxWrite;
  scheduleRedrive(sagaId: string, watch: RedriveWatch, attempts: number, nextCheck: Date): TxWrite;
}

/**
 * Re-publishes an event already committed to the service's outbox, unchanged (same envelope id),
 * through the relay's publisher: consumers that applied it skip it, one that never did applies it.
 */
export interface EventRepublisher {
  republish(eventId: string): Promise<'published' | 'missing' | 'failed'>;
}

// ---- reads for operations (describeSaga): what the pipeline recorded about one saga ----

/** An event as its producer's outbox recorded it, with what the relay added when publishing it. */
export interface RecordedEvent {
  id: string;
  type: string;
  source: string;
  aggregateId: string;
  sequence: number;
  correlationId?: string;
  causationId: string | null;
  committedAt: string;
  publishedAt?: string;
  /** The path that first published it: `stream`, `sweeper` or `replay`. */
  publishedBy?: string;
  /** Set when the row broke its contract and will never be published. */
  unpublishableReason?: string;
}

/** A consumer's processed-event marker, as committed with its effects. */
export interface ProcessedRecord {
  consumer: string;
  eventId: string;
  startedAt?: string;
  processedAt: string;
  /** Deliveries of the same event skipped after this one. */
  duplicates: number;
  lastDuplicateAt?: string;
}

/** An event a consumer set aside because it broke its contract. */
export interface DeadLetterRecord {
  id: string;
  consumer: string;
  reason: string;
  at: string;
  eventId?: string;
  eventType?: string;
}

/** Every service's outbox, read by aggregate (order). */
export interface EventLog {
  eventsOf(aggregateId: string): Promise<RecordedEvent[]>;
}

/** The inboxes of every consumer, read by `consumer#eventId`. */
export interface ProcessedEvents {
  find(keys: { consumer: string; eventId: string }[]): Promise<ProcessedRecord[]>;
}

export interface DeadLetters {
  findByAggregate(aggregateId: string): Promise<DeadLetterRecord[]>;
}
