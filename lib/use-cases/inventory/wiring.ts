import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { InventoryRepository } from '../../adapters/dynamodb/inventory-repository';
import { config } from '../../config';

export const inventoryRepository = (): InventoryRepository =>
  new InventoryRepository(dynamoDbClient(), { products: config.productsTable(), reservations: config.reservationsTable() });
