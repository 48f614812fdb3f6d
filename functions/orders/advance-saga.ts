import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { advanceSaga } from '../../lib/services/orders/use-cases/advance-saga';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { advanceSagaDeps, keeperDuplicates } from '../../lib/services/orders/wiring';

const deps = advanceSagaDeps();

export const handler = consumerHandler(
  topology.subscriptionOf('advanceSaga'),
  { ...consumerDeps(topology.plumbingOf('advanceSaga')), countDuplicate: keeperDuplicates(deps.orders) },
  (event, commit, delivery) => advanceSaga(event, commit, deps, delivery.startedAt),
);
