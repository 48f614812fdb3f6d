import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { awardPoints } from '../../lib/services/rewards/use-cases/award-points';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { rewardsDeps } from '../../lib/services/rewards/wiring';

const deps = rewardsDeps();

export const handler = consumerHandler(topology.subscriptionOf('awardPoints'), consumerDeps(topology.plumbingOf('awardPoints')), (event, commit) => awardPoints(event, commit, deps));
