import { subscriptionOf } from '../../lib/platform/saga/topology';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { releaseStock } from '../../lib/services/inventory/use-cases/release-stock';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { inventoryDeps } from '../../lib/services/inventory/wiring';

const deps = inventoryDeps();

export const handler = consumerHandler(subscriptionOf('releaseStock'), consumerDeps({ emits: true, repeatsReplies: true }), (event, commit) => releaseStock(event, commit, deps));
