/**
 * The one place that reads the environment. Every variable comes from `serverless.yml`
 * (`!Ref`/`!GetAtt` of the resources in `resources/*.yml`); each is read once, on first use, and a
 * missing one fails loudly instead of turning into `undefined` deep inside an SDK call.
 */
import { envName } from './platform/env-name';

const cache = new Map<string, string>();

/** The configuration layer's errors: a deployment mistake, never a client's. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export class MissingConfigError extends ConfigError {
  constructor(name: string) {
    super(`Environment variable ${name} is not set`);
    this.name = 'MissingConfigError';
  }
}

export class InvalidConfigError extends ConfigError {
  constructor(name: string, expected: string) {
    super(`Environment variable ${name} must be ${expected}`);
    this.name = 'InvalidConfigError';
  }
}

const required = (name: string): string => {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value === '') throw new MissingConfigError(name);
  cache.set(name, value);
  return value;
};

const positiveNumber = (name: string): number => {
  const value = Number(required(name));
  if (!Number.isFinite(value) || value < 0) throw new InvalidConfigError(name, 'a non-negative number');
  return value;
};


export const config = {
  eventBusName: () => required('EVENT_BUS_NAME'),
  outboxTable: () => required('OUTBOX_TABLE'),
  inboxTable: () => required('INBOX_TABLE'),
  deadLetterTable: () => required('DEAD_LETTER_TABLE'),
  ordersTable: () => required('ORDERS_TABLE'),
  sagaTable: () => required('SAGA_TABLE'),
  idempotencyKeysTable: () => required('IDEMPOTENCY_KEYS_TABLE'),
  productsTable: () => required('PRODUCTS_TABLE'),
  reservationsTable: () => required('RESERVATIONS_TABLE'),
  accountsTable: () => required('ACCOUNTS_TABLE'),
  paymentsTable: () => required('PAYMENTS_TABLE'),
  rewardsTable: () => required('REWARDS_TABLE'),
  shipmentsTable: () => required('SHIPMENTS_TABLE'),
  /** Another service's outbox (`<SERVICE>_OUTBOX_TABLE`), for the functions that read every outbox. */
  outboxTableOf: (service: string) => required(`${envName(service)}_OUTBOX_TABLE`),
  /** Another service's inbox (`<SERVICE>_INBOX_TABLE`), for the functions that read every inbox. */
  inboxTableOf: (service: string) => required(`${envName(service)}_INBOX_TABLE`),
  sagaTimeoutSeconds: () => positiveNumber('SAGA_TIMEOUT_SECONDS'),
  sweepGraceSeconds: () => positiveNumber('SWEEP_GRACE_SECONDS'),
  sweepIntervalSeconds: () => positiveNumber('SWEEP_INTERVAL_SECONDS'),
  sweepsPerRun: () => positiveNumber('SWEEPS_PER_RUN'),
  /** The sweep clock's delay queue (its URL). */
  sweepTickQueueUrl: () => required('SWEEP_TICK_QUEUE_URL'),
  /** A service's outbox sweeper, for the sweep clock that starts it (`<SERVICE>_OUTBOX_SWEEPER`). */
  outboxSweeperOf: (service: string) => required(`${envName(service)}_OUTBOX_SWEEPER`),
  compensationRedriveDelaySeconds: () => positiveNumber('COMPENSATION_REDRIVE_DELAY_SECONDS'),
  /** Where a new customer's orders ship unless they name a country (the stage's `defaultCountry`). */
  defaultCountry: () => required('DEFAULT_COUNTRY'),
  /** Cents a customer who signs up alone starts with (the stage's `openingCredit`). */
  openingCredit: () => positiveNumber('OPENING_CREDIT'),
};
