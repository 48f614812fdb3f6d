import { AlreadyAwardedError } from '../../../platform/errors';
import { pointsFor } from '../domain/points';
import { logger } from '../../../platform/observability';
import { nothing, type Clock, type Commit } from '../../../platform/ports';
import { type Envelope } from '../../contracts';
import { type RewardsStore } from '../ports';

/** Points once per order: the award record's condition holds even if the same order were confirmed twice. */
export const awardPoints = async (event: Envelope<'order.confirmed'>, commit: Commit, deps: { rewards: RewardsStore; clock: Clock }): Promise<void> => {
  const { orderId, customerId, amount } = event.data;
  const at = deps.clock().toISOString();
  try {
    await commit({ writes: deps.rewards.awardWrites({ orderId, customerId, points: pointsFor(amount), at }), events: [] });
  } catch (error) {
    if (!(error instanceof AlreadyAwardedError)) throw error;
    logger.info('Order already rewarded', { orderId });
    await commit(nothing());
  }
};
