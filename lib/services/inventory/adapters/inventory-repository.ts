import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ConflictError, InsufficientStockError } from '../../../platform/errors';
import type { LoadPlan, StockedProduct } from '../domain/catalogue';
import type { Product, Reservation } from '../domain/reservation';
import { fullJitter, sleep } from '../../../platform/adapters/backoff';
import { UnprocessedKeysError } from '../../../platform/adapters/errors';
import { fromItem, toItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { adjustCounter, putNewRecord, replaceRecord } from '../../../platform/adapters/dynamodb/writes';
import { type CatalogueStore, type InventoryStore } from '../ports';

export class InventoryRepository implements InventoryStore, CatalogueStore {
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
  async getProduct(productId: string): Promise<StockedProduct | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.products, Key: toValues({ productId }), ConsistentRead: true }));
    return Item ? fromItem<StockedProduct>(Item) : undefined;
  }

  /**
   * One conditional write, no transaction: a new product only if still absent; an existing one
   * only if its catalogue figure is still the one read, and, when stock is taken away, its stock
   * too (a reservation in between makes the load read again). A delivery adds to the stock as it
   * is, so a reservation in between costs it nothing.
   */
  async applyLoad(plan: LoadPlan, previous: StockedProduct | undefined): Promise<void> {
    const { product } = plan;
    try {
      if (!previous) {
        await this.client.send(new PutItemCommand({ TableName: this.tables.products, Item: toItem(product), ConditionExpression: 'attribute_not_exists(productId)' }));
        return;
      }
      const delta = product.stock - previous.stock;
      const loaded = previous.stockLoaded === undefined ? 'attribute_not_exists(stockLoaded)' : 'stockLoaded = :previousLoaded';
      const lowering = delta < 0;
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.products,
          Key: toValues({ productId: product.productId }),
          UpdateExpression: lowering ? 'SET #n = :name, price = :price, stockLoaded = :loaded, stock = :stock' : 'SET #n = :name, price = :price, stockLoaded = :loaded, stock = stock + :delta',
          ConditionExpression: `attribute_exists(productId) AND ${loaded}${lowering ? ' AND stock = :previousStock' : ''}`,
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: toValues({
            ':name': product.name,
            ':price': product.price,
            ':loaded': product.stockLoaded,
            ...(lowering ? { ':stock': product.stock, ':previousStock': previous.stock } : { ':delta': delta }),
            ...(previous.stockLoaded === undefined ? {} : { ':previousLoaded': previous.stockLoaded }),
          }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`Product ${product.productId} changed while the catalogue loaded; reading it again`, { cause: error });
      throw error;
    }
  }
}
