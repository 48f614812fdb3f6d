import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { OutboxStore } from '../../adapters/dynamodb/outbox';
import { EventBridgePublisher } from '../../adapters/eventbridge/publisher';
import { config } from '../../config';
import { sources } from '../../domain/events/contracts';

const publisher = () => new EventBridgePublisher(new EventBridgeClient({}), { busName: config.eventBusName() });

/** Every service's outbox is forwarded and swept by the same code; only its environment differs. */
export const outboxDeps = () => ({
  publisher: publisher(),
  outbox: new OutboxStore(dynamoDbClient(), config.outboxTable()),
});

/** Replay reads every service's outbox. */
export const replayDeps = () => ({
  publisher: publisher(),
  outboxes: [
    { source: sources.orders, store: new OutboxStore(dynamoDbClient(), config.ordersOutboxTable()) },
    { source: sources.inventory, store: new OutboxStore(dynamoDbClient(), config.inventoryOutboxTable()) },
    { source: sources.payments, store: new OutboxStore(dynamoDbClient(), config.paymentsOutboxTable()) },
  ],
});
