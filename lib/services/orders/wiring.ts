import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { InboxReader } from '../../platform/adapters/dynamodb/inbox-reader';
import { MisconfiguredAdapterError } from '../../platform/adapters/errors';
import { OrdersRepository } from './adapters/orders-repository';
import { AccountsCustomerDirectory } from './adapters/customer-directory';
import { TransactionWriter } from '../../platform/adapters/dynamodb/transaction';
import { config } from '../../config';
import { topology } from '../saga';
import { timeOutOrder } from './use-cases/time-out-order';
import { systemClock } from '../../platform/ports';
import { outboxRepublisher } from '../../platform/wiring/relay';

/** Composition root of the orders service: adapters built once per container from config. */
export const ordersRepository = (opts: { redriveCheckDelayMs?: number } = {}): OrdersRepository =>
  new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable() }, opts);

/** Writes that answer no event (a request, the watchdog) carry no processed-event marker. */
const ordersTransactions = (): TransactionWriter => new TransactionWriter(dynamoDbClient(), { outboxTable: config.outboxTable() });

/** The first compensation check of a cancelled saga; later ones back off, doubling, to at most an hour. */
const redriveCheckDelayMs = (): number => config.compensationRedriveDelaySeconds() * 1000;
const MAX_REDRIVE_CHECK_DELAY_MS = 60 * 60 * 1000;

export const placeOrderDeps = () => ({
  customers: new AccountsCustomerDirectory(dynamoDbClient(), config.accountsTable()),
  orders: new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable(), idempotencyKeys: config.idempotencyKeysTable() }),
  tx: ordersTransactions(),
  sagaTimeoutSeconds: config.sagaTimeoutSeconds(),
  clock: systemClock,
});

export const readOrdersDeps = () => ({ orders: ordersRepository() });

export const advanceSagaDeps = () => ({ orders: ordersRepository({ redriveCheckDelayMs: redriveCheckDelayMs() }), clock: systemClock });

/**
 * Where the delivery watch reads the processed markers of the consumers of the confirmation:
 * their services' inboxes (read only; `tests/integration/subscriptions.test.ts` checks the
 * watchdog is given the inbox of every such consumer).
 */
const confirmationInboxes = (): InboxReader => {
  const inboxes = new Map(topology.deliveryConsumers.map((consumer) => [topology.serviceOf(consumer), config.inboxTableOf(topology.serviceOf(consumer))]));
  return new InboxReader(dynamoDbClient(), (consumer) => {
    const table = inboxes.get(topology.serviceOf(consumer));
    if (!table) throw new MisconfiguredAdapterError(`The watchdog has no inbox table for ${consumer} (${topology.serviceOf(consumer)})`);
    return table;
  });
};

export const watchdogDeps = () => {
  const orders = ordersRepository({ redriveCheckDelayMs: redriveCheckDelayMs() });
  const tx = ordersTransactions();
  return {
  keeper: orders,
  topology,
  timeOut: timeOutOrder({ orders, tx }),
  tx,
  clock: systemClock,
  republisher: outboxRepublisher(),
  processed: confirmationInboxes(),
  redrive: { delayMs: redriveCheckDelayMs(), maxDelayMs: MAX_REDRIVE_CHECK_DELAY_MS },
  };
};
