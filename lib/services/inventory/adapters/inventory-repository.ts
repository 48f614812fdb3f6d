import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../../platform/errors';
import type { LoadPlan, StockedProduct } from '../domain/catalogue';
import type { Product, Reservation } from '../domain/reservation';
import { shardKey, type ShardTake } from '../domain/stock';
import { fullJitter, sleep } from '../../../platform/adapters/backoff';
import { UnprocessedKeysError } from '../../../platform/adapters/errors';
import { fromItem, toItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { adjustCounter, putNewRecord, replaceRecord } from '../../../platform/adapters/dynamodb/writes';
import { type CatalogueStore, type InventoryStore } from '../ports';

/** A product item as stored: shard 0's stock, and how many shards the product has (absent: one). */
interface ProductRow {
  productId: string;
  name?: string;
  price: number;
  stock: number;
  stockLoaded?: number;
  shards?: number;
}

export class InventoryRepository implements InventoryStore, CatalogueStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { products: string; reservations: string },
  ) {}

  /**
   * BatchGetItem may leave keys unprocessed under throttling; an item it did not return must never
   * be mistaken for an absent one (an unknown product, an empty shard), so those keys are retried,
   * and the call fails (and the event is retried) if they stay unprocessed.
   */
  private async readItems<T>(keys: string[], maxAttempts: number): Promise<T[]> {
    const items: T[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, AttributeValue>[] | undefined = keys.slice(i, i + 100).map((productId) => toValues({ productId }));
      for (let attempt = 1; pending?.length; attempt += 1) {
        if (attempt > maxAttempts) throw new UnprocessedKeysError(pending.length, maxAttempts);
        if (attempt > 1) await sleep(fullJitter(25, attempt));
        const response: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tables.products]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of response.Responses?.[this.tables.products] ?? []) items.push(fromItem<T>(item));
        pending = response.UnprocessedKeys?.[this.tables.products]?.Keys;
      }
    }
    return items;
  }

  /** Each product with its stock per shard: the product items first, then the other shards of those that have more than one. */
  private async readStocked(ids: string[], maxAttempts: number): Promise<Map<string, StockedProduct>> {
    const rows = await this.readItems<ProductRow>(ids, maxAttempts);
    const shardKeys = rows.flatMap((row) => Array.from({ length: (row.shards ?? 1) - 1 }, (_, i) => shardKey(row.productId, i + 1)));
    const shardRows = new Map((await this.readItems<{ productId: string; stock: number }>(shardKeys, maxAttempts)).map((row) => [row.productId, row]));
    return new Map(
      rows.map((row) => {
        // A shard item not written yet holds nothing (a load that added shards writes them all at once).
        const stocks = Array.from({ length: row.shards ?? 1 }, (_, i) => (i === 0 ? row.stock : (shardRows.get(shardKey(row.productId, i))?.stock ?? 0)));
        const { shards: _count, ...rest } = row;
        return [row.productId, { ...rest, stock: stocks.reduce((a, b) => a + b, 0), shards: stocks }];
      }),
    );
  }

  async getProducts(ids: string[], maxAttempts = 5): Promise<Map<string, Product>> {
    const stocked = await this.readStocked(ids, maxAttempts);
    return new Map(
      [...stocked.values()].map(({ productId, name, price, stock, shards }) => [productId, { productId, name, price, stock, ...(shards.length > 1 ? { shards } : {}) }]),
    );
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

  /**
   * A shard's stock can never go below zero, whatever runs concurrently. A shard short of what was
   * read is not "out of stock" (the other shards may hold it): the reservation reads again.
   */
  decrementStock(productId: string, take: ShardTake): DynamoTxWrite {
    return adjustCounter({
      table: this.tables.products,
      key: { productId: shardKey(productId, take.shard) },
      counter: 'stock',
      delta: -take.quantity,
      onShortfall: () => new ConflictError(`Shard ${take.shard} of ${productId} holds fewer than ${take.quantity} units now; reading the stock again`),
    });
  }

  incrementStock(productId: string, take: ShardTake): DynamoTxWrite {
    return adjustCounter({ table: this.tables.products, key: { productId: shardKey(productId, take.shard) }, counter: 'stock', delta: take.quantity });
  }

  /** One transaction: every move taken from its shard (never below zero) and added to `into`. */
  async consolidate(productId: string, into: number, moves: ShardTake[]): Promise<void> {
    const total = moves.reduce((sum, m) => sum + m.quantity, 0);
    const writes = [...moves.map((m) => this.decrementStock(productId, m)), this.incrementStock(productId, { shard: into, quantity: total })];
    await this.transact(writes.map((w) => w.write as TransactWriteItem), `Stock of ${productId} moved while it was consolidated; reading it again`);
  }

  async getProduct(productId: string): Promise<StockedProduct | undefined> {
    return (await this.readStocked([productId], 5)).get(productId);
  }

  /** A transaction whose refused condition, or a concurrent transaction on its items, means "read again". */
  private async transact(items: TransactWriteItem[], conflict: string): Promise<void> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) throw new ConflictError(conflict, { cause: error });
      if (error instanceof Error && error.name === 'TransactionConflictException') throw new ConflictError(conflict, { cause: error });
      throw error;
    }
  }

  /**
   * The product item and every shard that changes, in one conditional write (a transaction when it
   * is more than one item): a new product only if still absent; an existing one only if its
   * catalogue figure is still the one read, and, where a shard's figure is set, only if the shard
   * still holds what was read (a reservation in between makes the load read again). A delivery adds
   * to each shard as it is, so a reservation in between costs it nothing.
   */
  async applyLoad(plan: LoadPlan, previous: StockedProduct | undefined): Promise<void> {
    const { product, stock } = plan;
    const table = this.tables.products;
    const conflict = `Product ${product.productId} changed while the catalogue loaded; reading it again`;
    const known = previous?.shards.length ?? 0;
    /** Shard k (k ≥ 1): written when its figure changes. */
    const shardWrite = (k: number): TransactWriteItem | undefined => {
      const key = shardKey(product.productId, k);
      if (stock.mode === 'add') {
        if (stock.deltas[k] === 0) return undefined;
        return { Update: { TableName: table, Key: toValues({ productId: key }), UpdateExpression: 'SET stock = stock + :delta', ConditionExpression: 'attribute_exists(productId)', ExpressionAttributeValues: toValues({ ':delta': stock.deltas[k] }) } };
      }
      const item = toItem({ productId: key, shardOf: product.productId, shard: k, stock: stock.values[k] });
      if (k >= known) return { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(productId) OR stock = :zero', ExpressionAttributeValues: toValues({ ':zero': 0 }) } };
      if (previous!.shards[k] === stock.values[k]) return undefined;
      return { Put: { TableName: table, Item: item, ConditionExpression: 'stock = :previous', ExpressionAttributeValues: toValues({ ':previous': previous!.shards[k] }) } };
    };
    const head = (): TransactWriteItem => {
      if (!previous) {
        return { Put: { TableName: table, Item: toItem({ productId: product.productId, name: product.name, price: product.price, stockLoaded: product.stockLoaded, stock: (stock.mode === 'set' ? stock.values : stock.deltas)[0], ...(product.shards > 1 ? { shards: product.shards } : {}) }), ConditionExpression: 'attribute_not_exists(productId)' } };
      }
      const loaded = previous.stockLoaded === undefined ? 'attribute_not_exists(stockLoaded)' : 'stockLoaded = :previousLoaded';
      const setting = stock.mode === 'set';
      return {
        Update: {
          TableName: table,
          Key: toValues({ productId: product.productId }),
          UpdateExpression: `SET #n = :name, price = :price, stockLoaded = :loaded, ${setting ? 'stock = :stock' : 'stock = stock + :delta'}${product.shards > 1 ? ', shards = :shards' : ''}`,
          ConditionExpression: `attribute_exists(productId) AND ${loaded}${setting ? ' AND stock = :previousStock' : ''}`,
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: toValues({
            ':name': product.name,
            ':price': product.price,
            ':loaded': product.stockLoaded,
            ...(setting ? { ':stock': stock.values[0], ':previousStock': previous.shards[0] } : { ':delta': stock.deltas[0] }),
            ...(product.shards > 1 ? { ':shards': product.shards } : {}),
            ...(previous.stockLoaded === undefined ? {} : { ':previousLoaded': previous.stockLoaded }),
          }),
        },
      };
    };
    const shards = Array.from({ length: product.shards - 1 }, (_, i) => shardWrite(i + 1)).filter((w): w is TransactWriteItem => w !== undefined);
    // The shard items first and the product item last: a reader that sees the new shard count finds its shards.
    if (shards.length) return this.transact([...shards, head()], conflict);
    try {
      const write = head();
      if (write.Put) await this.client.send(new PutItemCommand(write.Put));
      else await this.client.send(new UpdateItemCommand(write.Update!));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'TransactionConflictException')) throw new ConflictError(conflict, { cause: error });
      throw error;
    }
  }
}
