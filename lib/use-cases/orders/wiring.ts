import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { OrdersRepository } from '../../adapters/dynamodb/orders-repository';
import { TransactionWriter } from '../../adapters/dynamodb/transaction';
import { config } from '../../config';

/** Composition root of the orders service: adapters built once per container from config. */
export const ordersRepository = (): OrdersRepository =>
  new OrdersRepository(dynamoDbClient(), { orders: config.ordersTable(), sagas: config.sagaTable() });

/** Writes that answer no event (a request, the watchdog) carry no processed-event marker. */
export const ordersTransactions = (): TransactionWriter => new TransactionWriter(dynamoDbClient(), { outboxTable: config.outboxTable() });
