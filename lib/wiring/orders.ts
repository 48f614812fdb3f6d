import { dynamoDbClient } from '../adapters/dynamodb/client';
import { OrdersRepository } from '../adapters/dynamodb/orders-repository';
import { TransactionWriter } from '../adapters/dynamodb/transaction';
import { config } from '../config';
import { systemClock } from '../use-cases/ports';

/** Composition root of the orders service: adapters built once per container from config. */
export const ordersRepository = (): OrdersRepository =>
  new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable() });

/** Writes that answer no event (a request, the watchdog) carry no processed-event marker. */
const ordersTransactions = (): TransactionWriter => new TransactionWriter(dynamoDbClient(), { outboxTable: config.outboxTable() });

export const placeOrderDeps = () => ({
  orders: new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable(), idempotencyKeys: config.idempotencyKeysTable() }),
  tx: ordersTransactions(),
  sagaTimeoutSeconds: config.sagaTimeoutSeconds(),
  clock: systemClock,
});

export const readOrdersDeps = () => ({ orders: ordersRepository() });

export const advanceSagaDeps = () => ({ orders: ordersRepository(), clock: systemClock });

export const watchdogDeps = () => ({ orders: ordersRepository(), tx: ordersTransactions(), clock: systemClock });
