import { BatchGetItemCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

  async getProducts(ids: string[]): Promise<Map<string, Product>> {
    const { Responses } = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: { [this.tables.products]: { Keys: ids.map((productId) => toValues({ productId })), ConsistentRead: true } },
      }),
    );
    const products = (Responses?.[this.tables.products] ?? []).map((item) => fromItem<Product>(item));
    return new Map(products.map((p) => [p.productId, p]));
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
