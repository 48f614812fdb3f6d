import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { releaseStock } from '../../lib/services/inventory/use-cases/release-stock';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { inventoryDeps } from '../../lib/services/inventory/wiring';

const deps = inventoryDeps();

export const handler = consumerHandler(topology.subscriptionOf('releaseStock'), consumerDeps(topology.plumbingOf('releaseStock')), (event, commit) => releaseStock(event, commit, deps));
