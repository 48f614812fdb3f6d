import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { RewardsRepository } from '../../adapters/dynamodb/rewards-repository';
import { config } from '../../config';

export const rewardsRepository = (): RewardsRepository => new RewardsRepository(dynamoDbClient(), config.rewardsTable());
