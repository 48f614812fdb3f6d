import { dynamoDbClient } from '../../adapters/dynamodb/client';
import { PaymentsRepository } from '../../adapters/dynamodb/payments-repository';
import { config } from '../../config';

export const paymentsRepository = (): PaymentsRepository =>
  new PaymentsRepository(dynamoDbClient(), { accounts: config.accountsTable(), payments: config.paymentsTable() });
