import { dynamoDbClient } from '../platform/adapters/dynamodb/client';
import { DeadLetterStore } from '../platform/adapters/dynamodb/dead-letters';
import { InboxReader } from '../platform/adapters/dynamodb/inbox-reader';
import { recordedEventOf } from '../platform/adapters/dynamodb/outbox-row';
import { config } from '../config';
import { topology } from './saga';
import { parseOrderReference } from './orders/domain/order';
import { eventHandler } from '../platform/middleware/event';
import { everyOutbox } from '../platform/wiring/relay';
import { describeSaga, type DescribeSagaDeps } from '../platform/saga/describe-saga';
import { systemClock, type EventLog } from '../platform/ports';
import { ordersRepository } from './orders/wiring';

/** A saga has a handful of events; this bounds what one describeSaga reads per outbox. */
const MAX_EVENTS_PER_OUTBOX = 500;

/** Composition root of describeSaga: read access to every service's outbox, inbox and the dead letters. */
export const describeSagaDeps = (): DescribeSagaDeps => {
  const client = dynamoDbClient();
  const outboxes = everyOutbox(topology).map((outbox) => outbox.store);
  const events: EventLog = {
    eventsOf: async (aggregateId) => (await Promise.all(outboxes.map((o) => o.historyOf(aggregateId, MAX_EVENTS_PER_OUTBOX)))).flat().map(recordedEventOf),
  };
  const inboxes = new Map(topology.receivers.map((service) => [service, config.inboxTableOf(service)]));
  return {
    topology,
    parseReference: (input) => parseOrderReference(input, 'describeSaga'),
    keeper: ordersRepository(),
    events,
    processed: new InboxReader(client, (consumer) => inboxes.get(topology.serviceOf(consumer))!),
    deadLetters: new DeadLetterStore(client, config.deadLetterTable()),
    clock: systemClock,
  };
};

/** `describeSaga` (no trigger): `sls invoke -f describeSaga --data '{"orderId":"..."}'`. */
export const describeSagaHandler = () => {
  const deps = describeSagaDeps();
  return eventHandler((request: unknown) => describeSaga(request, deps));
};
