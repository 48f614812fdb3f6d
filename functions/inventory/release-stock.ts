import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { releaseStock } from '../../lib/use-cases/inventory/release-stock';
import { inventoryRepository } from '../../lib/use-cases/inventory/wiring';

const deps = { inventory: inventoryRepository() };

export const handler = consumerHandler({ consumer: 'releaseStock', accepts: ['order.cancelled'] }, consumerDeps({ emits: true }), (event, commit) =>
  releaseStock(event, commit, deps),
);
