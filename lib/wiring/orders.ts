import { dynamoDbClient } from '../adapters/dynamodb/client';
import { OrdersRepository } from '../adapters/dynamodb/orders-repository';
import { TransactionWriter } from '../adapters/dynamodb/transaction';
import { config } from '../config';
import { systemClock } from '../use-cases/ports';
import { outboxRepublisher } from './relay';

/** Composition root of the orders service: adapters built once per container from config. */
export const ordersRepository = (opts: { compensationCheckDelayMs?: number } = {}): OrdersRepository =>
  new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable() }, opts);

/** Writes that answer no event (a request, the watchdog) carry no processed-event marker. */
const ordersTransactions = (): TransactionWriter => new TransactionWriter(dynamoDbClient(), { outboxTable: config.outboxTable() });

/** The first compensation check of a cancelled saga; later ones back off, doubling, to at most an hour. */
const compensationCheckDelayMs = (): number => config.compensationRedriveDelaySeconds() * 1000;
const MAX_COMPENSATION_CHECK_DELAY_MS = 60 * 60 * 1000;

export const placeOrderDeps = () => ({
  orders: new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable(), idempotencyKeys: config.idempotencyKeysTable() }),
  tx: ordersTransactions(),
  sagaTimeoutSeconds: config.sagaTimeoutSeconds(),
  clock: systemClock,
});

export const readOrdersDeps = () => ({ orders: ordersRepository() });

export const advanceSagaDeps = () => ({ orders: ordersRepository({ compensationCheckDelayMs: compensationCheckDelayMs() }), clock: systemClock });

export const watchdogDeps = () => ({
  orders: ordersRepository({ compensationCheckDelayMs: compensationCheckDelayMs() }),
  tx: ordersTransactions(),
  clock: systemClock,
  republisher: outboxRepublisher(),
  compensation: { delayMs: compensationCheckDelayMs(), maxDelayMs: MAX_COMPENSATION_CHECK_DELAY_MS },
});
