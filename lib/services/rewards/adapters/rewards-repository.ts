import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AlreadyAwardedError } from '../../../platform/errors';
import { UnprocessedKeysError } from '../../../platform/adapters/errors';
import { bucketOf } from '../../../platform/sharding';
import { POINTS_SHARDS } from '../domain/points';
import { fromItem, toItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { type RewardsStore } from '../ports';

/**
 * One table: `AWARD#<orderId>` proves an order was rewarded (the ledger, append-only);
 * `CUSTOMER#<id>` and `CUSTOMER#<id>#<k>` hold the customer's running total, split over
 * `POINTS_SHARDS` items (the first is the total of before the split).
 */
export const pointsKey = (customerId: string, shard: number): string => (shard === 0 ? `CUSTOMER#${customerId}` : `CUSTOMER#${customerId}#${shard}`);

export class RewardsRepository implements RewardsStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** The customer's balance: every shard of the running total, added up. */
  async getPoints(customerId: string): Promise<number> {
    const keys = Array.from({ length: POINTS_SHARDS }, (_, k) => toValues({ pk: pointsKey(customerId, k) }));
    const { Responses, UnprocessedKeys } = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
    const left = UnprocessedKeys?.[this.table]?.Keys?.length ?? 0;
    if (left) throw new UnprocessedKeysError(left, 1);
    return (Responses?.[this.table] ?? []).reduce((sum, item) => sum + fromItem<{ points: number }>(item).points, 0);
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
            Key: toValues({ pk: pointsKey(award.customerId, bucketOf(award.orderId, POINTS_SHARDS)) }),
            UpdateExpression: 'SET customerId = :c ADD points :p',
            ExpressionAttributeValues: toValues({ ':c': award.customerId, ':p': award.points }),
          },
        },
      },
    ];
  }
}
