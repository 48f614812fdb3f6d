import { dynamoDbClient } from '../platform/adapters/dynamodb/client';
import { DeadLetterStore } from '../platform/adapters/dynamodb/dead-letters';
import { InboxReader } from '../platform/adapters/dynamodb/inbox-reader';
import { recordedEventOf } from '../platform/adapters/dynamodb/outbox-row';
import { config } from '../config';
import { consumerServices, type ConsumerName, type ServiceName } from '../platform/saga/topology';
import { eventHandler } from '../platform/middleware/event';
import { OutboxStore } from '../platform/relay/outbox-store';
import { describeSaga, type DescribeSagaDeps } from '../platform/saga/describe-saga';
import { systemClock, type EventLog } from '../platform/ports';
import { ordersRepository } from './orders/wiring';

/** A saga has a handful of events; this bounds what one describeSaga reads per outbox. */
const MAX_EVENTS_PER_OUTBOX = 500;

/** Composition root of describeSaga: read access to every service's outbox, inbox and the dead letters. */
export const describeSagaDeps = (): DescribeSagaDeps => {
  const client = dynamoDbClient();
  const outboxes = [config.ordersOutboxTable(), config.inventoryOutboxTable(), config.paymentsOutboxTable()].map((table) => new OutboxStore(client, table));
  const events: EventLog = {
    eventsOf: async (aggregateId) => (await Promise.all(outboxes.map((o) => o.historyOf(aggregateId, MAX_EVENTS_PER_OUTBOX)))).flat().map(recordedEventOf),
  };
  const inboxes: Record<ServiceName, string> = {
    orders: config.ordersInboxTable(),
    inventory: config.inventoryInboxTable(),
    payments: config.paymentsInboxTable(),
    rewards: config.rewardsInboxTable(),
  };
  return {
    orders: ordersRepository(),
    events,
    processed: new InboxReader(client, (consumer: ConsumerName) => inboxes[consumerServices[consumer]]),
    deadLetters: new DeadLetterStore(client, config.deadLetterTable()),
    clock: systemClock,
  };
};

/** `describeSaga` (no trigger): `sls invoke -f describeSaga --data '{"orderId":"..."}'`. */
export const describeSagaHandler = () => {
  const deps = describeSagaDeps();
  return eventHandler((request: unknown) => describeSaga(request, deps));
};
