import {
  BatchGetItemCommand,
  GetItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../domain/errors';
import { InsufficientStockError, type Product, type Reservation } from '../../domain/inventory/reservation';
import { fromItem, toItem, toValues } from './marshalling';
import type { TxWrite } from './transaction';

const concurrentChange = (orderId: string) => () => new ConflictError(`Reservation of order ${orderId} changed concurrently; retrying`);

export class InventoryRepository {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { products: string; reservations: string },
  ) {}

  /**
   * BatchGetItem may leave keys unprocessed under throttling; a product it did not return must
   * never be mistaken for an unknown one, so those keys are retried, and the call fails (and the
   * event is retried) if they stay unprocessed.
   */
  async getProducts(ids: string[], maxAttempts = 5): Promise<Map<string, Product>> {
    const products = new Map<string, Product>();
    let keys: Record<string, AttributeValue>[] | undefined = ids.map((productId) => toValues({ productId }));
    for (let attempt = 1; keys?.length; attempt += 1) {
      if (attempt > maxAttempts) throw new Error(`BatchGetItem left ${keys.length} product keys unprocessed after ${maxAttempts} attempts`);
      if (attempt > 1) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
      const response: BatchGetItemCommandOutput = await this.client.send(
        new BatchGetItemCommand({ RequestItems: { [this.tables.products]: { Keys: keys, ConsistentRead: true } } }),
      );
      const { Responses, UnprocessedKeys } = response;
      for (const item of Responses?.[this.tables.products] ?? []) {
        const product = fromItem<Product>(item);
        products.set(product.productId, product);
      }
      keys = UnprocessedKeys?.[this.tables.products]?.Keys;
    }
    return products;
  }

  async getReservation(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tables.reservations, Key: toValues({ orderId }), ConsistentRead: true }),
    );
    return Item ? fromItem<Reservation>(Item) : undefined;
  }

  /** First write of a reservation (or failure record): refused if anything, a tombstone included, exists. */
  putNewReservation(reservation: Reservation): TxWrite {
    return {
      write: { Put: { TableName: this.tables.reservations, Item: toItem(reservation), ConditionExpression: 'attribute_not_exists(orderId)' } },
      onConditionFailed: concurrentChange(reservation.orderId),
    };
  }

  /** Replaces a reservation only if it is still the version that was read. */
  replaceReservation(reservation: Reservation, previous: Reservation | undefined): TxWrite {
    if (!previous) return this.putNewReservation(reservation);
    return {
      write: {
        Put: {
          TableName: this.tables.reservations,
          Item: toItem(reservation),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: toValues({ ':v': previous.version }),
        },
      },
      onConditionFailed: concurrentChange(reservation.orderId),
    };
  }

  /** Conditional decrement: stock can never go below zero, whatever runs concurrently. */
  decrementStock(productId: string, quantity: number): TxWrite {
    return {
      write: {
        Update: {
          TableName: this.tables.products,
          Key: toValues({ productId }),
          UpdateExpression: 'SET stock = stock - :q',
          ConditionExpression: 'attribute_exists(productId) AND stock >= :q',
          ExpressionAttributeValues: toValues({ ':q': quantity }),
        },
      },
      onConditionFailed: () => new InsufficientStockError(productId),
    };
  }

  incrementStock(productId: string, quantity: number): TxWrite {
    return {
      write: {
        Update: {
          TableName: this.tables.products,
          Key: toValues({ productId }),
          UpdateExpression: 'SET stock = stock + :q',
          ConditionExpression: 'attribute_exists(productId)',
          ExpressionAttributeValues: toValues({ ':q': quantity }),
        },
      },
    };
  }
}
