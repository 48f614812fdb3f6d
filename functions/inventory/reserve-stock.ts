import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { reserveStock } from '../../lib/services/inventory/use-cases/reserve-stock';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { inventoryDeps } from '../../lib/services/inventory/wiring';

const deps = inventoryDeps();

export const handler = consumerHandler(topology.subscriptionOf('reserveStock'), consumerDeps(topology.plumbingOf('reserveStock')), (event, commit) => reserveStock(event, commit, deps));
