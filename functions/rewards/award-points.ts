import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { awardPoints } from '../../lib/use-cases/rewards/award-points';
import { rewardsRepository } from '../../lib/use-cases/rewards/wiring';

const deps = { rewards: rewardsRepository() };

export const handler = consumerHandler({ consumer: 'awardPoints', accepts: ['order.confirmed'] }, consumerDeps({ emits: false }), (event, commit) =>
  awardPoints(event, commit, deps),
);
