import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { advanceSaga } from '../../lib/use-cases/orders/advance-saga';
import { consumerDeps } from '../../lib/wiring/consumers';
import { advanceSagaDeps } from '../../lib/wiring/orders';

const deps = advanceSagaDeps();

export const handler = consumerHandler(subscriptionOf('advanceSaga'), consumerDeps({ emits: true }), (event, commit) => advanceSaga(event, commit, deps));
