import { dynamoDbClient } from '../adapters/dynamodb/client';
import { RewardsRepository } from '../adapters/dynamodb/rewards-repository';
import { config } from '../config';
import { systemClock } from '../use-cases/ports';

/** Composition root of the rewards service's consumer. */
export const rewardsDeps = () => ({ rewards: new RewardsRepository(dynamoDbClient(), config.rewardsTable()), clock: systemClock });
