import { BatchGetItemCommand, type BatchGetItemCommandOutput, GetItemCommand, QueryCommand, ScanCommand, UpdateItemCommand, ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toValues, type Item } from '../adapters/dynamodb/marshalling';
import {
  AGGREGATE_INDEX,
  DEFAULT_OUTBOX_SHARDS,
  shardOf,
  OUTBOX_RETENTION_SECONDS,
  UNPUBLISHED_INDEX,
  type OutboxRow,
} from '../adapters/dynamodb/outbox-row';
import { UnprocessedKeysError } from '../adapters/errors';
import type { PublishPath, RelayOutbox, UnpublishedCursor } from './ports';

/** Rows per shard per page of a sweep: a page of every shard (400 rows) is 40 PutEvents calls, published and marked before the next. */
const SWEEP_PAGE_PER_SHARD = 25;
const MARK_CONCURRENCY = 25;
/** Parallel segments of a replay-by-type scan. */
const SCAN_SEGMENTS = 4;

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

  /**
   * One page of the unpublished rows created at or before `createdBefore` (epoch ms): up to
   * `SWEEP_PAGE_PER_SHARD` per shard, oldest first. The cursor holds where each shard stopped;
   * a shard that is done is left out of it, so paging ends when every shard is.
   */
  async findUnpublished(createdBefore: number, cursor?: UnpublishedCursor): Promise<{ rows: OutboxRow[]; cursor?: UnpublishedCursor }> {
    const shards = cursor ? Object.keys(cursor) : Array.from({ length: this.shards }, (_, i) => `p${i}`);
    const pages = await Promise.all(
      shards.map(async (shard) => {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: UNPUBLISHED_INDEX,
            KeyConditionExpression: 'pendingShard = :shard AND createdAt <= :before',
            ExpressionAttributeValues: toValues({ ':shard': shard, ':before': createdBefore }),
            Limit: SWEEP_PAGE_PER_SHARD,
            ExclusiveStartKey: cursor?.[shard] as Item | undefined,
          }),
        );
        return { shard, rows: (page.Items ?? []).map((item) => fromItem<OutboxRow>(item)), next: page.LastEvaluatedKey };
      }),
    );
    const next = Object.fromEntries(pages.filter((p) => p.next).map((p) => [p.shard, p.next]));
    return {
      rows: pages.flatMap((p) => p.rows).sort((a, b) => a.createdAt - b.createdAt),
      ...(Object.keys(next).length ? { cursor: next } : {}),
    };
  }

  /**
   * Age in ms of the oldest unpublished row, 0 when there is none: the outbox lag. One read of a
   * single item first: an empty pending index (an idle stage, or every row already forwarded) is
   * the common answer, and it then costs one request instead of one per shard; otherwise the head
   * of every shard gives the exact oldest.
   */
  async oldestUnpublishedAge(now: number): Promise<number> {
    const probe = await this.client.send(new ScanCommand({ TableName: this.tableName, IndexName: UNPUBLISHED_INDEX, Limit: 1, ProjectionExpression: 'id' }));
    if (!probe.Items?.length && !probe.LastEvaluatedKey) return 0;
    const heads = await Promise.all(
      Array.from({ length: this.shards }, async (_, i) => {
        const { Items } = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: UNPUBLISHED_INDEX,
            KeyConditionExpression: 'pendingShard = :shard AND createdAt <= :now',
            ExpressionAttributeValues: toValues({ ':shard': `p${i}`, ':now': now }),
            Limit: 1,
          }),
        );
        return (Items ?? []).map((item) => fromItem<OutboxRow>(item));
      }),
    );
    const oldest = Math.min(...heads.flat().map((row) => row.createdAt));
    return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
  }

  /**
   * One conditional update per row (`sweepClaimedUntil`, which no index projects, so a claim writes
   * no index). A row already published, or claimed by a sweep whose lease has not run out, is
   * refused; so is one the update could not reach (the next sweep tries it again).
   */
  async claimForSweep(ids: string[], now: number, leaseMs: number): Promise<Set<string>> {
    const results = await this.updateEach(ids, () => ({
      UpdateExpression: 'SET sweepClaimedUntil = :until',
      ConditionExpression: 'attribute_exists(pendingShard) AND (attribute_not_exists(sweepClaimedUntil) OR sweepClaimedUntil < :now)',
      ExpressionAttributeValues: toValues({ ':until': now + leaseMs, ':now': now }),
    }));
    return new Set(ids.filter((_, i) => results[i]!.status === 'fulfilled'));
  }

  async releaseSweepClaims(ids: string[]): Promise<void> {
    await this.updateEach(ids, () => ({ UpdateExpression: 'REMOVE sweepClaimedUntil', ConditionExpression: 'attribute_exists(pendingShard)' }));
  }

  /**
   * `publishedAt` and `publishedBy` keep the first publication (a replay re-publishes without
   * rewriting when and how the event first went out): both ride on the update that marks the row.
   */
  async markPublished(ids: string[], now: number, by: PublishPath): Promise<{ marked: string[]; failed: string[] }> {
    const results = await this.updateEach(ids, () => ({
      UpdateExpression: 'REMOVE pendingShard SET publishedAt = if_not_exists(publishedAt, :now), publishedBy = if_not_exists(publishedBy, :by), expiresAt = :expires',
      ExpressionAttributeValues: toValues({ ':now': now, ':expires': Math.floor(now / 1000) + OUTBOX_RETENTION_SECONDS, ':by': by }),
    }));
    const marked: string[] = [];
    const failed: string[] = [];
    results.forEach((r, i) => (r.status === 'fulfilled' ? marked : failed).push(ids[i]!));
    return { marked, failed };
  }

  /** One conditional update per existing row, at most MARK_CONCURRENCY in flight: a swept page can hold hundreds of rows. */
  private async updateEach(
    ids: string[],
    update: (id: string) => { UpdateExpression: string; ExpressionAttributeValues?: Item; ConditionExpression?: string },
  ): Promise<PromiseSettledResult<unknown>[]> {
    const results: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < ids.length; i += MARK_CONCURRENCY) {
      const chunk = ids.slice(i, i + MARK_CONCURRENCY);
      const send = (id: string) =>
        this.client.send(new UpdateItemCommand({ TableName: this.tableName, Key: toValues({ id }), ConditionExpression: 'attribute_exists(id)', ...update(id) }));
      results.push(...(await Promise.allSettled(chunk.map(send))));
    }
    return results;
  }

  /** Records why a row cannot be published. It keeps `pendingShard`: the row stays pending, never dropped. */
  async markUnpublishable(id: string, reason: string, now: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: toValues({ id }),
          UpdateExpression: 'SET unpublishableReason = :reason, unpublishableAt = :now',
          ConditionExpression: 'attribute_exists(pendingShard)',
          ExpressionAttributeValues: toValues({ ':reason': reason, ':now': now }),
        }),
      );
    } catch (error) {
      // Published (or gone) meanwhile: nothing to record.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Puts published rows back in the pending index, unchanged (same envelope, first `publishedAt`
   * kept): the sweeper publishes them again. How a participant answers a command it already
   * applied (`lib/platform/relay/replies.ts`).
   */
  async markPendingAgain(ids: string[]): Promise<void> {
    const results = await this.updateEach(ids, (id) => ({ UpdateExpression: 'SET pendingShard = :shard', ExpressionAttributeValues: toValues({ ':shard': shardOf(id, this.shards) }) }));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: toValues({ id }), ConsistentRead: true }));
    return Item ? fromItem<OutboxRow>(Item) : undefined;
  }

  /** Every stored event of one aggregate (order), in commit order. */
  findByAggregate(aggregateId: string, limit: number): Promise<OutboxRow[]> {
    return this.queryAll({ IndexName: AGGREGATE_INDEX, KeyConditionExpression: 'aggregateId = :a', ExpressionAttributeValues: toValues({ ':a': aggregateId }) }, limit);
  }

  /**
   * Every stored row of one aggregate, whole (with when and by which path it was published, which
   * the index by aggregate does not project): the index gives the ids, the table the rows. For
   * operations reads (describeSaga), never the hot path.
   */
  async historyOf(aggregateId: string, limit: number): Promise<OutboxRow[]> {
    const keys = (await this.findByAggregate(aggregateId, limit)).map((row) => toValues({ id: row.id }));
    const rows: OutboxRow[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = { [this.tableName]: { Keys: keys.slice(i, i + 100), ConsistentRead: true } };
      for (let attempt = 1; request && attempt <= 5; attempt += 1) {
        const page: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
        rows.push(...(page.Responses?.[this.tableName] ?? []).map((item) => fromItem<OutboxRow>(item)));
        const left: Item[] | undefined = page.UnprocessedKeys?.[this.tableName]?.Keys;
        request = left?.length ? { [this.tableName]: { Keys: left, ConsistentRead: true } } : undefined;
      }
      if (request) throw new UnprocessedKeysError(request[this.tableName]!.Keys.length, 5);
    }
    return rows.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Stored events of one type committed in [from, to] (epoch ms), the first `limit` in commit
   * order. A parallel scan of the whole table (rows expire after the retention window): replay by
   * type is an operator's rare read, and an index for it would cost a write on every row.
   */
  async findByType(type: string, from: number, to: number, limit: number): Promise<OutboxRow[]> {
    // Every match of every segment: a scan returns its matches in no order, so the first `limit`
    // in commit order are known only once all are read.
    const perSegment = await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, (_, segment) =>
        this.readAll(
          (startKey) =>
            new ScanCommand({
              TableName: this.tableName,
              Segment: segment,
              TotalSegments: SCAN_SEGMENTS,
              FilterExpression: '#type = :t AND createdAt BETWEEN :from AND :to',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: toValues({ ':t': type, ':from': from, ':to': to }),
              ExclusiveStartKey: startKey,
            }),
          Number.POSITIVE_INFINITY,
        ),
      ),
    );
    return perSegment
      .flat()
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit);
  }

  private queryAll(query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>, limit: number): Promise<OutboxRow[]> {
    return this.readAll((startKey) => new QueryCommand({ ...query, TableName: this.tableName, ExclusiveStartKey: startKey }), limit);
  }

  /** Page after page of a query or scan (`command` for each page's start key), until done or `limit` rows are read. */
  private async readAll(command: (startKey: Item | undefined) => QueryCommand | ScanCommand, limit: number): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    let startKey: Item | undefined;
    do {
      // Narrowed to the fields both commands' outputs share.
      const page: { Items?: Item[]; LastEvaluatedKey?: Item } = await this.client.send(command(startKey) as QueryCommand);
      rows.push(...(page.Items ?? []).map((item) => fromItem<OutboxRow>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && rows.length < limit);
    return rows.slice(0, limit);
  }
}
