import { createHash } from 'node:crypto';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AnyEnvelope } from '../../domain/events/envelope';
import type { RecordedEvent } from '../../use-cases/ports';
import { fromItem, toItem, type Item } from './marshalling';

/**
 * The outbox row: what every service's transaction writes next to its state (the producer side)
 * and what the relay (`lib/relay/`) reads, publishes and marks. While unpublished it carries
 * `pendingShard`, which puts it in the sparse `UnpublishedIndex` (partition `pendingShard`, sort
 * `createdAt`): the sweeper queries that index instead of scanning, and publishing removes the
 * attribute, which removes the row from the index. Sharding spreads the index's write traffic
 * over several partitions.
 */
export interface OutboxRow {
  id: string;
  type: string;
  aggregateId: string;
  sequence: number;
  createdAt: number;
  payload: string;
  pendingShard?: string;
  publishedAt?: number;
  /** The path that first published the row: `stream`, `sweeper` or `replay`. */
  publishedBy?: string;
  expiresAt?: number;
  deadLetterReason?: string;
}

export const UNPUBLISHED_INDEX = 'UnpublishedIndex';
export const AGGREGATE_INDEX = 'AggregateIndex';
export const TYPE_INDEX = 'TypeIndex';
export const DEFAULT_OUTBOX_SHARDS = 8;
/** Published rows stay this long for replay, then DynamoDB's TTL deletes them. */
export const OUTBOX_RETENTION_SECONDS = 7 * 24 * 60 * 60;

export const shardOf = (id: string, shards: number): string =>
  `p${createHash('sha1').update(id).digest().readUInt16BE(0) % shards}`;

export const toOutboxRow = (event: AnyEnvelope, shards = DEFAULT_OUTBOX_SHARDS): OutboxRow => ({
  id: event.id,
  type: event.type,
  aggregateId: event.aggregateId,
  sequence: event.sequence,
  createdAt: Date.parse(event.time),
  payload: JSON.stringify(event),
  pendingShard: shardOf(event.id, shards),
});

export const outboxPut = (tableName: string, event: AnyEnvelope, shards?: number): TransactWriteItem => ({
  Put: {
    TableName: tableName,
    Item: toItem(toOutboxRow(event, shards)),
    ConditionExpression: 'attribute_not_exists(id)',
  },
});

export const outboxRowFromImage = (image: Item): OutboxRow => fromItem<OutboxRow>(image);


/**
 * A row as operations read it (describeSaga): the envelope's identity and causation from its
 * payload, and the relay's timestamps. Lenient on purpose: a row that broke its contract is still
 * part of the saga's story.
 */
export const recordedEventOf = (row: OutboxRow): RecordedEvent => {
  let envelope: { source?: unknown; correlationId?: unknown; causationId?: unknown } = {};
  try {
    envelope = JSON.parse(row.payload) as typeof envelope;
  } catch {
    /* unreadable payload: its deadLetterReason says so */
  }
  return {
    id: row.id,
    type: row.type,
    source: typeof envelope.source === 'string' ? envelope.source : '',
    aggregateId: row.aggregateId,
    sequence: row.sequence,
    ...(typeof envelope.correlationId === 'string' ? { correlationId: envelope.correlationId } : {}),
    causationId: typeof envelope.causationId === 'string' ? envelope.causationId : null,
    committedAt: new Date(row.createdAt).toISOString(),
    ...(row.publishedAt !== undefined ? { publishedAt: new Date(row.publishedAt).toISOString() } : {}),
    ...(row.publishedBy ? { publishedBy: row.publishedBy } : {}),
    ...(row.deadLetterReason ? { deadLetterReason: row.deadLetterReason } : {}),
  };
};
