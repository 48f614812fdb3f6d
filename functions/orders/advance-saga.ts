import { subscriptionOf } from '../../lib/platform/saga/topology';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { advanceSaga } from '../../lib/services/orders/use-cases/advance-saga';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { advanceSagaDeps } from '../../lib/services/orders/wiring';

const deps = advanceSagaDeps();

export const handler = consumerHandler(subscriptionOf('advanceSaga'), consumerDeps({ emits: true }), (event, commit) => advanceSaga(event, commit, deps));
