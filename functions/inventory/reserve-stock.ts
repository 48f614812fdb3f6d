import { subscriptionOf } from '../../lib/platform/saga/topology';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { reserveStock } from '../../lib/services/inventory/use-cases/reserve-stock';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { inventoryDeps } from '../../lib/services/inventory/wiring';

const deps = inventoryDeps();

export const handler = consumerHandler(subscriptionOf('reserveStock'), consumerDeps({ emits: true }), (event, commit) => reserveStock(event, commit, deps));
