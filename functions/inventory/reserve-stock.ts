import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { reserveStock } from '../../lib/use-cases/inventory/reserve-stock';
import { consumerDeps } from '../../lib/wiring/consumers';
import { inventoryDeps } from '../../lib/wiring/inventory';

const deps = inventoryDeps();

export const handler = consumerHandler(subscriptionOf('reserveStock'), consumerDeps({ emits: true }), (event, commit) => reserveStock(event, commit, deps));
