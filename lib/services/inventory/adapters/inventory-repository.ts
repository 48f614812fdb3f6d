import {
  BatchGetItemCommand,
  GetItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { InsufficientStockError } from '../../../platform/errors';
import type { Product, Reservation } from '../domain/reservation';
import { fullJitter, sleep } from '../../../platform/adapters/backoff';
import { UnprocessedKeysError } from '../../../platform/adapters/errors';
import { fromItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { adjustCounter, putNewRecord, replaceRecord } from '../../../platform/adapters/dynamodb/writes';
import { type InventoryStore } from '../ports';

export class InventoryRepository implements InventoryStore {
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
      if (attempt > maxAttempts) throw new UnprocessedKeysError(keys.length, maxAttempts);
      if (attempt > 1) await sleep(fullJitter(25, attempt));
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
  putNewReservation(reservation: Reservation): DynamoTxWrite {
    return putNewRecord(this.tables.reservations, 'Reservation', reservation);
  }

  replaceReservation(reservation: Reservation, previous: Reservation | undefined): DynamoTxWrite {
    return replaceRecord(this.tables.reservations, 'Reservation', reservation, previous);
  }

  /** Stock can never go below zero, whatever runs concurrently. */
  decrementStock(productId: string, quantity: number): DynamoTxWrite {
    return adjustCounter({ table: this.tables.products, key: { productId }, counter: 'stock', delta: -quantity, onShortfall: () => new InsufficientStockError(productId) });
  }

  incrementStock(productId: string, quantity: number): DynamoTxWrite {
    return adjustCounter({ table: this.tables.products, key: { productId }, counter: 'stock', delta: quantity });
  }
}
