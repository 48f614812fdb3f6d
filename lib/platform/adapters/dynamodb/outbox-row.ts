import { bucketOf } from '../../sharding';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { RecordedEvent } from '../../ports';
import { fromItem, toItem, type Item } from './marshalling';
import type { BaseEnvelope } from '../../events/envelope';
import { RECORD_TTL_SECONDS } from '../../retention';

/**
 * The outbox row: what every service's transaction writes next to its state (the producer side)
 * and what the relay (`lib/platform/relay/`) reads, publishes and marks. While unpublished it carries
 * `pendingShard`, which puts it in the sparse `UnpublishedIndex` (partition `pendingShard`, sort
 * `createdAt`): the sweeper queries that index instead of scanning, and publishing removes the
 * attribute, which removes the row from the index. Sharding spreads the index's write traffic
 * over several partitions.
 *
 * The indexes project only what their readers use (`type`, `aggregateId`, `payload`), and nothing
 * publishing changes, so marking a row published rewrites no index but the sparse one it leaves.
 * There is no index by type: every index is written with every row (in the transaction, at twice
 * the units), and replay by type, an operator's rare read, scans the table instead (reads cost a
 * fifth of writes, and only when someone replays).
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
  /** Which path published it first: the stream forwarder, the sweeper or a replay. */
  publishedBy?: string;
  expiresAt?: number;
  /** Why the relay cannot publish this row as it is; it stays pending until someone fixes it. */
  unpublishableReason?: string;
}

export const UNPUBLISHED_INDEX = 'UnpublishedIndex';
export const AGGREGATE_INDEX = 'AggregateIndex';
export const DEFAULT_OUTBOX_SHARDS = 16;
/** Published rows stay this long for replay (the replay window and a day), then DynamoDB's TTL deletes them. */
export const OUTBOX_RETENTION_SECONDS = RECORD_TTL_SECONDS;

export const shardOf = (id: string, shards: number): string => `p${bucketOf(id, shards)}`;

export const toOutboxRow = (event: BaseEnvelope, shards = DEFAULT_OUTBOX_SHARDS): OutboxRow => ({
  id: event.id,
  type: event.type,
  aggregateId: event.aggregateId,
  sequence: event.sequence,
  createdAt: Date.parse(event.time),
  payload: JSON.stringify(event),
  pendingShard: shardOf(event.id, shards),
});

export const outboxPut = (tableName: string, event: BaseEnvelope, shards?: number): TransactWriteItem => ({
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
    /* unreadable payload: the row's unpublishableReason says so */
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
    ...(row.unpublishableReason ? { unpublishableReason: row.unpublishableReason } : {}),
  };
};
