import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { advanceSaga } from '../../lib/services/orders/use-cases/advance-saga';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { advanceSagaDeps } from '../../lib/services/orders/wiring';

const deps = advanceSagaDeps();

export const handler = consumerHandler(topology.subscriptionOf('advanceSaga'), consumerDeps(topology.plumbingOf('advanceSaga')), (event, commit) => advanceSaga(event, commit, deps));
