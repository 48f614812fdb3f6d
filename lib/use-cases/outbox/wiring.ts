import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { OutboxStore } from '../../adapters/dynamodb/outbox';
import { EventBridgePublisher } from '../../adapters/eventbridge/publisher';
import { config } from '../../config';

/** Every service's outbox is forwarded and swept by the same code; only its environment differs. */
export const outboxDeps = () => ({
  publisher: new EventBridgePublisher(new EventBridgeClient({}), { busName: config.eventBusName() }),
  outbox: new OutboxStore(dynamoDbClient(), config.outboxTable()),
});
