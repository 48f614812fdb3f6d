import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { RewardsRepository } from './adapters/rewards-repository';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';

/** Composition root of the rewards service's consumer. */
export const rewardsDeps = () => ({ rewards: new RewardsRepository(dynamoDbClient(), config.rewardsTable()), clock: systemClock });
