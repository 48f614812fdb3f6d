import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { InventoryRepository } from './adapters/inventory-repository';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';

/** Composition root of the inventory service's consumers. */
export const inventoryDeps = () => ({
  inventory: new InventoryRepository(dynamoDbClient(), { products: config.productsTable(), reservations: config.reservationsTable() }),
  clock: systemClock,
});
