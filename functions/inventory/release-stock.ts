import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { releaseStock } from '../../lib/use-cases/inventory/release-stock';
import { consumerDeps } from '../../lib/wiring/consumers';
import { inventoryDeps } from '../../lib/wiring/inventory';

const deps = inventoryDeps();

export const handler = consumerHandler(subscriptionOf('releaseStock'), consumerDeps({ emits: true, repeatsReplies: true }), (event, commit) => releaseStock(event, commit, deps));
