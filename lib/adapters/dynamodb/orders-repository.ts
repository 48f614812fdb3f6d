import { GetItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Order } from '../../domain/orders/order';
import type { SagaState } from '../../domain/orders/saga';
import { fromItem, toItem, toValues } from './marshalling';
import type { TxWrite } from './transaction';

export const ORDER_ID_INDEX = 'OrderIdIndex';

export class OrdersRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { orders: string; sagas: string },
  ) {}

  /** The writes that create an order and its saga; committed with the outbox by TransactionWriter. */
  createWrites(order: Order, saga: SagaState): TxWrite[] {
    return [
      {
        write: { Put: { TableName: this.tables.orders, Item: toItem(order), ConditionExpression: 'attribute_not_exists(orderId)' } },
      },
      {
        // While the saga runs it sits in the sparse PendingDeadlineIndex, which the watchdog queries.
        write: {
          Put: {
            TableName: this.tables.sagas,
            Item: toItem({ ...saga, watch: 'RUNNING' }),
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

  /** The seed's query: saga state by order id through `OrderIdIndex`. */
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
}
