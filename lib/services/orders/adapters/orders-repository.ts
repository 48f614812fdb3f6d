import { createHash } from 'node:crypto';
import { GetItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConflictError, IdempotencyKeyTakenError } from '../../../platform/errors';
import type { IdempotencyRecord } from '../domain/idempotency';
import type { Order } from '../domain/order';
import type { OrderReaction, SagaUpdate } from '../domain/transitions';
import type { SagaState } from '../../../platform/saga/state';
import type { DueWatch, RedriveWatch, WatchCursor } from '../../../platform/ports';
import { MisconfiguredAdapterError } from '../../../platform/adapters/errors';
import { fromItem, toItem, toValues, type Item } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { type OrdersStore } from '../ports';
import { topology } from '../../saga';

/** The guard of a finished compensation: every compensation step of the declaration is in the saga (it listed two and missed the third). */
export const COMPENSATION_RECORDED = topology.compensationSteps.map((step) => `attribute_exists(steps.${step})`).join(' AND ');

/** Keys are scoped to the customer: two customers may use the same key. */
export const idempotencyKeyOf = (customerId: string, key: string): string => `${customerId}#${key}`;
/**
 * The watchdog's work list: a sparse index over the sagas it must look at again, partitioned by
 * `watchShard` (w0..w15) and sorted by `watchAt`. A running saga is in it until its deadline
 * (`watchAt` = deadline); a cancelled one until both compensation steps are recorded (`watchAt` =
 * the next time to check, pushed back after each re-drive), a confirmed one until every consumer of
 * `order.confirmed` processed it (first checked at the deadline: confirming does not move the
 * entry, so it writes no index; then as a re-drive). One partition for every running saga
 * with an ever-increasing sort key could not be split by DynamoDB; 16 shards keep each under its
 * per-partition write limit at well over 1,000 orders a second (docs/operations.md, "Capacity").
 */
export const SAGA_WATCH_INDEX = 'SagaWatchIndex';
export const SAGA_WATCH_SHARDS = 16;
const RUNNING = 'RUNNING';
const COMPENSATING = 'COMPENSATING';
const DELIVERING = 'DELIVERING';
const WATCH_KINDS: Record<string, DueWatch['kind']> = { [RUNNING]: 'deadline', [COMPENSATING]: 'compensation', [DELIVERING]: 'delivery' };
const KIND_OF_WATCH: Record<RedriveWatch, string> = { compensation: COMPENSATING, delivery: DELIVERING };
/** Due sagas read per shard per page. */
const WATCH_PAGE_PER_SHARD = 50;
/** Attributes that only place a saga in the watchdog's index, never shown in the audit trail. */
const WATCH_ATTRIBUTES = 'watchShard, watchAt, watchKind';

export const watchShardOf = (sagaId: string): string => `w${createHash('sha1').update(sagaId).digest().readUInt16BE(0) % SAGA_WATCH_SHARDS}`;

export interface OrdersRepositoryOptions {
  /**
   * How long after a saga is cancelled the watchdog first checks that its compensation is recorded
   * (a confirmed saga's first delivery check is its deadline).
   */
  redriveCheckDelayMs?: number;
}

export class OrdersRepository implements OrdersStore {
  private readonly redriveCheckDelayMs: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { orders: string; sagas: string; idempotencyKeys?: string },
    options: OrdersRepositoryOptions = {},
  ) {
    this.redriveCheckDelayMs = options.redriveCheckDelayMs ?? 300_000;
  }

  /**
   * The key's record, put only if no unexpired record holds the key (DynamoDB's TTL deletes
   * expired items up to days later, so expiry is part of the condition). When refused, DynamoDB
   * returns the record that holds the key with the cancellation (`ALL_OLD`): no read afterwards, so
   * no window in which the record could look absent.
   */
  claimIdempotencyKey(record: IdempotencyRecord, now: Date): DynamoTxWrite {
    if (!this.tables.idempotencyKeys) throw new MisconfiguredAdapterError('OrdersRepository needs the idempotency-keys table to record idempotency keys');
    return {
      write: {
        Put: {
          TableName: this.tables.idempotencyKeys,
          // The order as answered is kept as its JSON text, so a replay answers the very same bytes.
          Item: toItem({ pk: idempotencyKeyOf(record.customerId, record.key), ...record, order: JSON.stringify(record.order) }),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: toValues({ ':now': Math.floor(now.getTime() / 1000) }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onConditionFailed: (current) => {
        const item = current as Record<string, AttributeValue> | undefined;
        if (!item) return new ConflictError(`Idempotency-Key "${record.key}" is held by a record DynamoDB did not return`);
        const { pk: _pk, order, ...previous } = fromItem<Omit<IdempotencyRecord, 'order'> & { pk: string; order: string }>(item);
        return new IdempotencyKeyTakenError(record.key, { ...previous, order: JSON.parse(order) as IdempotencyRecord['order'] });
      },
    };
  }

  /** The writes that create an order and its saga; committed with the outbox by TransactionWriter. */
  createWrites(order: Order, saga: SagaState): DynamoTxWrite[] {
    return [
      {
        write: { Put: { TableName: this.tables.orders, Item: toItem(order), ConditionExpression: 'attribute_not_exists(orderId)' } },
      },
      {
        // While the saga runs it sits in the sparse SagaWatchIndex until its deadline.
        write: {
          Put: {
            TableName: this.tables.sagas,
            Item: toItem({ ...saga, watchShard: watchShardOf(saga.sagaId), watchAt: saga.deadline, watchKind: RUNNING }),
            ConditionExpression: 'attribute_not_exists(sagaId)',
          },
        },
      },
    ];
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.orders, Key: toValues({ orderId }), ConsistentRead: true }),
    );
    return Item ? fromItem<Order>(Item) : undefined;
  }

  /** A saga by its id, read consistently (the watchdog acts on it; a client reads it right after its own write). */
  async getSaga(sagaId: string): Promise<SagaState | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.sagas, Key: toValues({ sagaId }), ConsistentRead: true }));
    return Item ? withoutWatch(fromItem(Item)) : undefined;
  }

  /**
   * The writes of one orders-side reaction. A reaction that changes the order (it ends the saga)
   * is guarded by the order's version as read, so a concurrent change (another event, the
   * watchdog) cancels the transaction and the reaction is recomputed on fresh state: state
   * transitions can never interleave. One that only records a step leaves the order alone; while
   * the order was pending it also moves the saga's current step, guarded by the saga not having
   * ended meanwhile (every end sets `completedAt` with the order's change), which is what the
   * order's version guarded, without a condition check on the order (two write units).
   */
  reactionWrites(orderId: string, reaction: OrderReaction): DynamoTxWrite[] {
    const conflict = () => new ConflictError(`Order ${orderId} changed concurrently; retrying`);
    if (!reaction.order) return [this.sagaWrite(reaction.saga, reaction.saga.currentStep ? conflict : undefined)];
    const guard = { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: toValues({ ':v': reaction.expectedVersion }) };
    return [{ write: { Put: { TableName: this.tables.orders, Item: toItem(reaction.order), ...guard } }, onConditionFailed: conflict }, this.sagaWrite(reaction.saga)];
  }

  /**
   * One page of the sagas due for the watchdog at `now` (running past their deadline, or cancelled
   * and due for a compensation check), from every shard of the watch index. Pass the cursor back
   * for the next page; none is returned once every shard is done.
   */
  async findDueWatches(now: Date, cursor?: WatchCursor): Promise<{ due: DueWatch[]; cursor?: WatchCursor }> {
    const shards = cursor ? Object.keys(cursor) : Array.from({ length: SAGA_WATCH_SHARDS }, (_, i) => `w${i}`);
    const pages = await Promise.all(
      shards.map(async (shard) => {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tables.sagas,
            IndexName: SAGA_WATCH_INDEX,
            KeyConditionExpression: 'watchShard = :shard AND watchAt <= :now',
            ExpressionAttributeValues: toValues({ ':shard': shard, ':now': now.toISOString() }),
            Limit: WATCH_PAGE_PER_SHARD,
            ExclusiveStartKey: cursor?.[shard] as Item | undefined,
          }),
        );
        const due = (page.Items ?? []).map((item) => {
          const { sagaId, orderId, watchKind } = fromItem<{ sagaId: string; orderId: string; watchKind: string }>(item);
          return { sagaId, orderId, kind: WATCH_KINDS[watchKind] ?? 'deadline' };
        });
        return { shard, due, next: page.LastEvaluatedKey };
      }),
    );
    const next = Object.fromEntries(pages.filter((p) => p.next).map((p) => [p.shard, p.next]));
    return { due: pages.flatMap((p) => p.due), ...(Object.keys(next).length ? { cursor: next } : {}) };
  }

  /**
   * Takes a saga whose order already finished out of the deadline watch. Only while it is still
   * watched for its deadline: a cancellation that won the race already turned it into a
   * compensation watch, which must stay.
   */
  stopWatching(sagaId: string): DynamoTxWrite {
    return this.leaveWatch(sagaId, { condition: 'watchKind = :running', values: { ':running': RUNNING }, refused: `Saga ${sagaId} is no longer watched for its deadline` });
  }

  /** Every compensation step is recorded: the cancelled saga is finished and leaves the watch. */
  confirmCompensation(sagaId: string, at: Date): DynamoTxWrite {
    return this.leaveWatch(sagaId, {
      mark: { name: 'compensatedAt', at },
      condition: COMPENSATION_RECORDED,
      refused: `Compensation of saga ${sagaId} is not recorded`,
    });
  }

  /** `order.confirmed` reached every consumer subscribed to it: the confirmed saga is finished and leaves the watch. */
  confirmDelivery(sagaId: string, at: Date): DynamoTxWrite {
    return this.leaveWatch(sagaId, {
      mark: { name: 'deliveredAt', at },
      // The deadline watch of a confirmed saga is its first delivery check.
      condition: 'watchKind IN (:delivering, :running)',
      values: { ':delivering': DELIVERING, ':running': RUNNING },
      refused: `Saga ${sagaId} is no longer watched for its delivery`,
    });
  }

  /** The saga leaves the watchdog's index (recording when under `mark`), only if `condition` holds. */
  private leaveWatch(
    sagaId: string,
    opts: { mark?: { name: 'compensatedAt' | 'deliveredAt'; at: Date }; condition: string; values?: Record<string, unknown>; refused: string },
  ): DynamoTxWrite {
    const values = { ...opts.values, ...(opts.mark ? { ':at': opts.mark.at.toISOString() } : {}) };
    return {
      write: {
        Update: {
          TableName: this.tables.sagas,
          Key: toValues({ sagaId }),
          UpdateExpression: `${opts.mark ? `SET ${opts.mark.name} = :at ` : ''}REMOVE ${WATCH_ATTRIBUTES}`,
          ConditionExpression: opts.condition,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: toValues(values) } : {}),
        },
      },
      onConditionFailed: () => new ConflictError(opts.refused),
    };
  }

  /** Records a re-drive and when to check again; guarded by the attempt count read, so two watchdogs never both count one. */
  scheduleRedrive(sagaId: string, watch: RedriveWatch, attempts: number, nextCheck: Date): DynamoTxWrite {
    // A delivery check may come from a confirmed saga's deadline watch, which then becomes a delivery watch.
    const kinds = watch === 'delivery' ? 'watchKind IN (:kind, :running)' : 'watchKind = :kind';
    return {
      write: {
        Update: {
          TableName: this.tables.sagas,
          Key: toValues({ sagaId }),
          UpdateExpression: 'SET redriveAttempts = :n, watchAt = :next, watchKind = :kind',
          ConditionExpression: `${kinds} AND (attribute_not_exists(redriveAttempts) OR redriveAttempts = :previous)`,
          ExpressionAttributeValues: toValues({
            ':n': attempts,
            ':previous': attempts - 1,
            ':next': nextCheck.toISOString(),
            ':kind': KIND_OF_WATCH[watch],
            ...(watch === 'delivery' ? { ':running': RUNNING } : {}),
          }),
        },
      },
      onConditionFailed: () => new ConflictError(`Saga ${sagaId} changed while being re-driven`),
    };
  }

  /** `whileRunning`: the write is refused (with that error) once the saga has ended. */
  private sagaWrite(update: SagaUpdate, whileRunning?: () => Error): DynamoTxWrite {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(update.steps).forEach(([step, record], i) => {
      names[`#s${i}`] = step;
      values[`:s${i}`] = record;
      sets.push(`steps.#s${i} = :s${i}`);
    });
    if (update.currentStep) {
      values[':current'] = update.currentStep;
      sets.push('currentStep = :current');
    }
    if (update.compensationReason) {
      values[':true'] = true;
      values[':reason'] = update.compensationReason;
      sets.push('compensationRequired = :true', 'compensationReason = :reason');
    }
    if (update.completedAt) {
      values[':completed'] = update.completedAt;
      sets.push('completedAt = :completed');
    }
    let remove = '';
    if (update.finished && update.awaitsCompensation) {
      // Still watched, now for its compensation being recorded: the first check comes after the
      // consumers' own retries have had their chance.
      const at = update.completedAt ? Date.parse(update.completedAt) : Date.now();
      values[':watchAt'] = new Date(at + this.redriveCheckDelayMs).toISOString();
      values[':watchKind'] = COMPENSATING;
      values[':shard'] = watchShardOf(update.sagaId);
      sets.push('watchAt = :watchAt', 'watchKind = :watchKind', 'watchShard = :shard');
    } else if (update.finished && update.awaitsDelivery) {
      // A confirmation leaves the deadline watch as it is: at the deadline the watchdog checks that
      // order.confirmed reached every consumer (moving the entry would rewrite the index).
    } else if (update.finished) {
      remove = ` REMOVE ${WATCH_ATTRIBUTES}`;
    }
    return {
      write: {
        Update: {
          TableName: this.tables.sagas,
          Key: toValues({ sagaId: update.sagaId }),
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: whileRunning ? 'attribute_exists(sagaId) AND attribute_not_exists(completedAt)' : 'attribute_exists(sagaId)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: toValues(values),
        },
      },
      ...(whileRunning ? { onConditionFailed: whileRunning } : {}),
    };
  }
}

const withoutWatch = (item: SagaState & { watchShard?: string; watchAt?: string; watchKind?: string }): SagaState => {
  const { watchShard: _shard, watchAt: _at, watchKind: _kind, ...saga } = item;
  return saga;
};
