import {
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { fromItem, toValues, type Item } from '../adapters/dynamodb/marshalling';
import {
  AGGREGATE_INDEX,
  DEFAULT_OUTBOX_SHARDS,
  OUTBOX_RETENTION_SECONDS,
  TYPE_INDEX,
  UNPUBLISHED_INDEX,
  type OutboxRow,
} from '../adapters/dynamodb/outbox-row';
import type { PublishPath, RelayOutbox } from './ports';

/**
 * The relay's view of one service's outbox table: the pending rows (through the sharded sparse
 * index), marking rows published or set aside, and the lookups replay selects by.
 */
export class OutboxStore implements RelayOutbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly shards: number = DEFAULT_OUTBOX_SHARDS,
  ) {}

  /** Unpublished rows created at or before `createdBefore` (epoch ms), oldest first per shard. */
  async findUnpublished(createdBefore: number, limit = 500): Promise<OutboxRow[]> {
    const perShard = await Promise.all(
      Array.from({ length: this.shards }, (_, i) => this.queryShard(`p${i}`, createdBefore, limit)),
    );
    return perShard.flat().sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
  }

  /** Age in ms of the oldest unpublished row, 0 when there is none: the outbox lag. */
  async oldestUnpublishedAge(now: number): Promise<number> {
    const heads = await Promise.all(Array.from({ length: this.shards }, (_, i) => this.queryShard(`p${i}`, now, 1)));
    const oldest = Math.min(...heads.flat().map((row) => row.createdAt));
    return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
  }

  /**
   * `publishedAt` and `publishedBy` keep the first publication (a replay re-publishes without
   * rewriting when and how the event first went out): both ride on the update that marks the row.
   */
  async markPublished(ids: string[], now: number, by: PublishPath): Promise<{ marked: string[]; failed: string[] }> {
    const results = await Promise.allSettled(
      ids.map((id) =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: toValues({ id }),
            UpdateExpression: 'REMOVE pendingShard SET publishedAt = if_not_exists(publishedAt, :now), publishedBy = if_not_exists(publishedBy, :by), expiresAt = :expires',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: toValues({ ':now': now, ':by': by, ':expires': Math.floor(now / 1000) + OUTBOX_RETENTION_SECONDS }),
          }),
        ),
      ),
    );
    const marked: string[] = [];
    const failed: string[] = [];
    results.forEach((r, i) => (r.status === 'fulfilled' ? marked : failed).push(ids[i]!));
    return { marked, failed };
  }

  /** Takes a row that can never be published (it breaks its contract) out of the pending index. */
  async markDeadLettered(id: string, reason: string, now: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toValues({ id }),
          UpdateExpression: 'REMOVE pendingShard SET deadLetterReason = :reason, deadLetteredAt = :now',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: toValues({ ':reason': reason, ':now': now }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: toValues({ id }), ConsistentRead: true }));
    return Item ? fromItem<OutboxRow>(Item) : undefined;
  }

  /** Every stored event of one aggregate (order), in commit order. */
  findByAggregate(aggregateId: string, limit: number): Promise<OutboxRow[]> {
    return this.queryAll({ IndexName: AGGREGATE_INDEX, KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: toValues({ ':a': aggregateId }) }, limit);
  }

  /** Stored events of one type committed in [from, to] (epoch ms). */
  findByType(type: string, from: number, to: number, limit: number): Promise<OutboxRow[]> {
    return this.queryAll(
      {
        IndexName: TYPE_INDEX,
        KeyConditionExpression: '#t = :t AND createdAt BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: toValues({ ':t': type, ':from': from, ':to': to }),
      },
      limit,
    );
  }

  private async queryAll(query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>, limit: number): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...query, TableName: this.tableName, ExclusiveStartKey: startKey }));
      rows.push(...(page.Items ?? []).map((item) => fromItem<OutboxRow>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && rows.length < limit);
    return rows.slice(0, limit);
  }

  private async queryShard(shard: string, createdBefore: number, limit: number): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: UNPUBLISHED_INDEX,
          KeyConditionExpression: 'pendingShard = :shard AND createdAt <= :before',
          ExpressionAttributeValues: toValues({ ':shard': shard, ':before': createdBefore }),
          Limit: Math.min(limit - rows.length, 100),
          ExclusiveStartKey: startKey,
        }),
      );
      rows.push(...(page.Items ?? []).map((item) => fromItem<OutboxRow>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && rows.length < limit);
    return rows;
  }
}
