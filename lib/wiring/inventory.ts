import { dynamoDbClient } from '../adapters/dynamodb/client';
import { InventoryRepository } from '../adapters/dynamodb/inventory-repository';
import { config } from '../config';
import { systemClock } from '../use-cases/ports';

/** Composition root of the inventory service's consumers. */
export const inventoryDeps = () => ({
  inventory: new InventoryRepository(dynamoDbClient(), { products: config.productsTable(), reservations: config.reservationsTable() }),
  clock: systemClock,
});
