import { dynamoDbClient } from '../../platform/adapters/dynamodb/client';
import { PaymentsRepository } from './adapters/payments-repository';
import { config } from '../../config';
import { systemClock } from '../../platform/ports';

/** Composition root of the payments service's consumers. */
export const paymentsDeps = () => ({
  payments: new PaymentsRepository(dynamoDbClient(), { accounts: config.accountsTable(), payments: config.paymentsTable() }),
  clock: systemClock,
});

/** Composition root of openAccount and the sign-up trigger. */
export const accountsDeps = () => ({
  accounts: new PaymentsRepository(dynamoDbClient(), { accounts: config.accountsTable(), payments: config.paymentsTable() }),
  clock: systemClock,
  defaultCountry: config.defaultCountry(),
});

/** Composition root of Cognito's post-confirmation trigger: openAccount's, plus the stage's opening credit. */
export const signUpDeps = () => ({ ...accountsDeps(), openingCredit: config.openingCredit() });
