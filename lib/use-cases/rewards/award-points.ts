import { AlreadyAwardedError, type RewardsRepository } from '../../adapters/dynamodb/rewards-repository';
import type { UnitOfWork } from '../../adapters/dynamodb/transaction';
import type { Envelope } from '../../domain/events/envelope';
import { pointsFor } from '../../domain/rewards/points';
import { logger } from '../../observability';

/** Points once per order: the award record's condition holds even if the same order were confirmed twice. */
export const awardPoints = async (
  event: Envelope<'order.confirmed'>,
  commit: (unit: UnitOfWork) => Promise<void>,
  deps: { rewards: RewardsRepository; now?: () => Date },
): Promise<void> => {
  const { orderId, customerId, amount } = event.data;
  const at = (deps.now ?? (() => new Date()))().toISOString();
  try {
    await commit({ writes: deps.rewards.awardWrites({ orderId, customerId, points: pointsFor(amount), at }), events: [] });
  } catch (error) {
    if (!(error instanceof AlreadyAwardedError)) throw error;
    logger.info('Order already rewarded', { orderId });
    await commit({ writes: [], events: [] });
  }
};
