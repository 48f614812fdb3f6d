import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { reserveStock } from '../../lib/use-cases/inventory/reserve-stock';
import { inventoryRepository } from '../../lib/use-cases/inventory/wiring';

const deps = { inventory: inventoryRepository() };

export const handler = consumerHandler({ consumer: 'reserveStock', accepts: ['order.created'] }, consumerDeps({ emits: true }), (event, commit) =>
  reserveStock(event, commit, deps),
);
