import { GetItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConflictError, IdempotencyKeyTakenError } from '../../domain/errors';
import type { IdempotencyRecord } from '../../domain/orders/idempotency';
import type { Order } from '../../domain/orders/order';
import type { OrderReaction, SagaUpdate } from '../../domain/orders/transitions';
import type { SagaState } from '../../domain/orders/saga';
import type { OrdersStore } from '../../use-cases/ports';
import { fromItem, toItem, toValues } from './marshalling';
import { MisconfiguredAdapterError } from '../errors';
import type { DynamoTxWrite } from './transaction';

export const ORDER_ID_INDEX = 'OrderIdIndex';
/** Keys are scoped to the customer: two customers may use the same key. */
export const idempotencyKeyOf = (customerId: string, key: string): string => `${customerId}#${key}`;
export const PENDING_DEADLINE_INDEX = 'PendingDeadlineIndex';
const RUNNING = 'RUNNING';

export class OrdersRepository implements OrdersStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { orders: string; sagas: string; idempotencyKeys?: string },
  ) {}

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
        // While the saga runs it sits in the sparse PendingDeadlineIndex, which the watchdog queries.
        write: {
          Put: {
            TableName: this.tables.sagas,
            Item: toItem({ ...saga, watch: RUNNING }),
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

  /** Saga state by order id, through `OrderIdIndex` (the saga table is keyed by saga id). */
  async getSagaByOrderId(orderId: string): Promise<SagaState | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tables.sagas,
        IndexName: ORDER_ID_INDEX,
        KeyConditionExpression: 'orderId = :orderId',
        ExpressionAttributeValues: toValues({ ':orderId': orderId }),
        Limit: 1,
      }),
    );
    if (!Items?.[0]) return undefined;
    const { watch: _watch, ...saga } = fromItem<SagaState & { watch?: string }>(Items[0]);
    return saga;
  }

  /**
   * The writes of one orders-side reaction. Every one is guarded by the order's version as read,
   * so a concurrent change (another event, the watchdog) cancels the transaction and the reaction
   * is recomputed on fresh state: state transitions can never interleave.
   */
  reactionWrites(orderId: string, reaction: OrderReaction): DynamoTxWrite[] {
    const conflict = () => new ConflictError(`Order ${orderId} changed concurrently; retrying`);
    const guard = { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: toValues({ ':v': reaction.expectedVersion }) };
    const orderWrite: DynamoTxWrite = reaction.order
      ? { write: { Put: { TableName: this.tables.orders, Item: toItem(reaction.order), ...guard } }, onConditionFailed: conflict }
      : { write: { ConditionCheck: { TableName: this.tables.orders, Key: toValues({ orderId }), ...guard } }, onConditionFailed: conflict };
    return [orderWrite, this.sagaWrite(reaction.saga)];
  }

  /** Sagas still running whose deadline has passed, oldest first, from the sparse deadline index. */
  async findOverdueSagas(now: Date, limit = 100): Promise<{ sagaId: string; orderId: string }[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tables.sagas,
        IndexName: PENDING_DEADLINE_INDEX,
        KeyConditionExpression: 'watch = :running AND deadline < :now',
        ExpressionAttributeValues: toValues({ ':running': RUNNING, ':now': now.toISOString() }),
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => fromItem<{ sagaId: string; orderId: string }>(item));
  }

  /** Takes a saga whose order already finished out of the watchdog's index. */
  stopWatching(sagaId: string): DynamoTxWrite {
    return { write: { Update: { TableName: this.tables.sagas, Key: toValues({ sagaId }), UpdateExpression: 'REMOVE watch', ConditionExpression: 'attribute_exists(sagaId)' } } };
  }

  private sagaWrite(update: SagaUpdate): DynamoTxWrite {
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
    return {
      write: {
        Update: {
          TableName: this.tables.sagas,
          Key: toValues({ sagaId: update.sagaId }),
          UpdateExpression: `SET ${sets.join(', ')}${update.finished ? ' REMOVE watch' : ''}`,
          ConditionExpression: 'attribute_exists(sagaId)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: toValues(values),
        },
      },
    };
  }
}
