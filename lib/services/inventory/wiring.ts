import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { InventoryRepository } from './adapters/inventory-repository';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';
import { fullJitter, sleep } from '../../platform/adapters/backoff';

/** Composition root of the inventory service's consumers. */
export const inventoryDeps = () => ({
  inventory: new InventoryRepository(dynamoDbClient(), { products: config.productsTable(), reservations: config.reservationsTable() }),
  clock: systemClock,
});

/** Composition root of loadCatalogue: the products table, and a jittered wait between lost races. */
export const catalogueDeps = () => ({
  catalogue: new InventoryRepository(dynamoDbClient(), { products: config.productsTable(), reservations: config.reservationsTable() }),
  wait: (attempt: number) => sleep(fullJitter(50, attempt)),
});
