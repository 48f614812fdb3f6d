import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { awardPoints } from '../../lib/use-cases/rewards/award-points';
import { consumerDeps } from '../../lib/wiring/consumers';
import { rewardsDeps } from '../../lib/wiring/rewards';

const deps = rewardsDeps();

export const handler = consumerHandler(subscriptionOf('awardPoints'), consumerDeps({ emits: false }), (event, commit) => awardPoints(event, commit, deps));
