import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AlreadyAwardedError } from '../../../platform/errors';
import { fromItem, toItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { type RewardsStore } from '../ports';

/** One table: `CUSTOMER#<id>` holds the points balance, `AWARD#<orderId>` proves an order was rewarded. */
export class RewardsRepository implements RewardsStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async getPoints(customerId: string): Promise<number> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: toValues({ pk: `CUSTOMER#${customerId}` }), ConsistentRead: true }));
    return Item ? fromItem<{ points: number }>(Item).points : 0;
  }

  awardWrites(award: { orderId: string; customerId: string; points: number; at: string }): DynamoTxWrite[] {
    return [
      {
        write: {
          Put: {
            TableName: this.table,
            Item: toItem({ pk: `AWARD#${award.orderId}`, ...award }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        onConditionFailed: () => new AlreadyAwardedError(award.orderId),
      },
      {
        write: {
          Update: {
            TableName: this.table,
            Key: toValues({ pk: `CUSTOMER#${award.customerId}` }),
            UpdateExpression: 'SET customerId = :c ADD points :p',
            ExpressionAttributeValues: toValues({ ':c': award.customerId, ':p': award.points }),
          },
        },
      },
    ];
  }
}
