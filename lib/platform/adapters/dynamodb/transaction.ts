import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type CancellationReason,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DuplicateEventError } from '../../errors';
import type { Transactions, TxWrite, UnitOfWork } from '../../ports';
import { fullJitter, sleep, type Sleep } from '../backoff';
import { MisconfiguredAdapterError, TransactionConflictError, TransactionThrottledError } from '../errors';
import { RECORD_TTL_SECONDS } from '../../retention';
import { toItem } from './marshalling';
import { outboxPut } from './outbox-row';

/** A write as the DynamoDB repositories of this folder build it. */
export type DynamoTxWrite = TxWrite<TransactWriteItem>;

/** "Consumer X processed event Y": written in the same transaction as X's effects. */
export interface ProcessedMarker {
  consumer: string;
  eventId: string;
  eventType: string;
  /** When the consumer started on the event (ISO time): with `processedAt`, its delivery and work time. */
  startedAt?: string;
}

/**
 * Cancellation reasons that are an answer, not an accident: a guard said no (the caller maps it),
 * or the request itself is wrong. Every other code (`TransactionConflict`, `ThrottlingError`,
 * `ProvisionedThroughputExceeded`, `RequestLimitExceeded`, and whatever DynamoDB adds later) is
 * transient, and the same transaction is retried in-process.
 */
const DEFINITIVE_REASONS = new Set(['ConditionalCheckFailed', 'ValidationError', 'ItemCollectionSizeLimitExceeded', 'TransactionSizeLimitExceeded']);
const isTransientReason = (code: string | undefined): boolean => code !== undefined && code !== 'None' && !DEFINITIVE_REASONS.has(code);
/**
 * Throttling refused by DynamoDB before the transaction ran. The SDK's standard retry strategy
 * already retries these (3 attempts, a short backoff); when a hot moment outlasts that, the writer
 * keeps trying within its own bound before failing the invocation.
 */
const THROTTLED_REQUEST_ERRORS = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TransactionInProgressException']);

/** The plain conditional write of a unit's only item (a condition check alone stays a transaction: it writes nothing). */
const singleWrite = (client: DynamoDBClient, write: TransactWriteItem): (() => Promise<unknown>) | undefined => {
  const { Put, Update, Delete } = write;
  if (Put) return () => client.send(new PutItemCommand(Put));
  if (Update) return () => client.send(new UpdateItemCommand(Update));
  if (Delete) return () => client.send(new DeleteItemCommand(Delete));
  return undefined;
};

/** A marker outlives every re-delivery of its event: the replay window and a day. */
export const MARKER_TTL_SECONDS = RECORD_TTL_SECONDS;
export const markerKey = (consumer: string, eventId: string): string => `${consumer}#${eventId}`;

export interface TransactionWriterOptions {
  /** Absent for a service that emits nothing (a consumer only). */
  outboxTable?: string;
  inboxTable?: string;
  outboxShards?: number;
  /** Attempts when DynamoDB cancels for a transient reason (a concurrent transaction, throttling). */
  maxAttempts?: number;
  sleep?: Sleep;
}

/**
 * Commits a unit of work (business writes + outbox records + optional processed-event marker) in
 * ONE TransactWriteItems. The marker goes first so that a duplicate is recognised from the
 * cancellation reasons without a read beforehand: no check-then-act race.
 */
export class TransactionWriter implements Transactions {
  private readonly maxAttempts: number;
  private readonly sleep: Sleep;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: TransactionWriterOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.sleep = options.sleep ?? sleep;
  }

  async commit(unit: UnitOfWork, marker?: ProcessedMarker, now: Date = new Date()): Promise<void> {
    // Only the repositories of this folder build writes, so every one is a DynamoDB write.
    const writes = [] as DynamoTxWrite[];
    if (marker) writes.push(this.markerWrite(marker, now));
    writes.push(...(unit.writes as DynamoTxWrite[]));
    if (unit.events.length && !this.options.outboxTable) throw new MisconfiguredAdapterError('TransactionWriter needs outboxTable to write events');
    writes.push(...unit.events.map((event) => ({ write: outboxPut(this.options.outboxTable!, event, this.options.outboxShards) })));
    if (writes.length === 0) return;
    // One item is atomic on its own: a conditional write costs half a transaction (1 unit per KB, not 2).
    const single = writes.length === 1 ? singleWrite(this.client, writes[0]!.write) : undefined;

    for (let attempt = 1; ; attempt += 1) {
      try {
        await (single ? single() : this.client.send(new TransactWriteItemsCommand({ TransactItems: writes.map((w) => w.write) })));
        return;
      } catch (error) {
        const transient = single ? this.transientCauseOfOne(error, writes[0]!, marker) : this.transientCause(error, writes, marker);
        if (attempt >= this.maxAttempts) {
          throw transient === 'TransactionConflict' ? new TransactionConflictError({ cause: error }) : new TransactionThrottledError(transient, attempt, { cause: error });
        }
        // Full jitter: writers that collided (or were throttled together) spread out instead of colliding again.
        await this.sleep(fullJitter(25, attempt, 1000));
      }
    }
  }

  /**
   * The transient reason a failed commit may be retried for, or a throw: a duplicate marker, a
   * failed guard mapped to its domain error, or any other error as it came.
   */
  private transientCause(error: unknown, writes: DynamoTxWrite[], marker: ProcessedMarker | undefined): string {
    if (!(error instanceof TransactionCanceledException)) {
      if (error instanceof Error && THROTTLED_REQUEST_ERRORS.has(error.name)) return error.name;
      throw error;
    }
    const reasons: CancellationReason[] = error.CancellationReasons ?? [];
    const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    if (failed >= 0) {
      if (marker && failed === 0) throw new DuplicateEventError(marker.consumer, marker.eventId);
      const mapped = writes[failed]?.onConditionFailed?.(reasons[failed]!.Item);
      if (mapped) throw mapped;
      throw error;
    }
    if (reasons.some((r) => r.Code !== undefined && DEFINITIVE_REASONS.has(r.Code))) throw error;
    const transient = reasons.find((r) => isTransientReason(r.Code));
    if (!transient) throw error;
    return reasons.some((r) => r.Code === 'TransactionConflict') ? 'TransactionConflict' : transient.Code!;
  }

  /** As `transientCause`, for a unit of one write sent as a plain conditional write. */
  private transientCauseOfOne(error: unknown, write: DynamoTxWrite, marker: ProcessedMarker | undefined): string {
    if (error instanceof ConditionalCheckFailedException) {
      if (marker) throw new DuplicateEventError(marker.consumer, marker.eventId);
      const mapped = write.onConditionFailed?.(error.Item);
      throw mapped ?? error;
    }
    // A plain write that meets a transaction on its item: the same conflict, reported differently.
    if (error instanceof Error && error.name === 'TransactionConflictException') return 'TransactionConflict';
    if (error instanceof Error && THROTTLED_REQUEST_ERRORS.has(error.name)) return error.name;
    throw error;
  }

  /**
   * Counts a skipped duplicate on the marker that refused it (`duplicates`, `lastDuplicateAt`).
   * Runs only on the rare duplicate path, never on the first delivery; the condition keeps a
   * marker that expired meanwhile from being recreated as a stray counter.
   */
  async countDuplicate(marker: Pick<ProcessedMarker, 'consumer' | 'eventId'>, now: Date = new Date()): Promise<void> {
    if (!this.options.inboxTable) throw new MisconfiguredAdapterError('TransactionWriter needs inboxTable to count duplicates');
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.options.inboxTable,
        Key: toItem({ pk: markerKey(marker.consumer, marker.eventId) }),
        UpdateExpression: 'ADD duplicates :one SET lastDuplicateAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: toItem({ ':one': 1, ':now': now.toISOString() }),
      }),
    );
  }

  private markerWrite(marker: ProcessedMarker, now: Date): DynamoTxWrite {
    if (!this.options.inboxTable) throw new MisconfiguredAdapterError('TransactionWriter needs inboxTable to record processed events');
    return {
      write: {
        Put: {
          TableName: this.options.inboxTable,
          Item: toItem({
            pk: markerKey(marker.consumer, marker.eventId),
            consumer: marker.consumer,
            eventId: marker.eventId,
            eventType: marker.eventType,
            startedAt: marker.startedAt,
            processedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    };
  }
}
