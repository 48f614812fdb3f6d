import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { PaymentsRepository } from './adapters/payments-repository';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';

/** Composition root of the payments service's consumers. */
export const paymentsDeps = () => ({
  payments: new PaymentsRepository(dynamoDbClient(), { accounts: config.accountsTable(), payments: config.paymentsTable() }),
  clock: systemClock,
});
