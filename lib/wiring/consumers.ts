import { dynamoDbClient } from '../adapters/dynamodb/client';
import { DeadLetterStore } from '../adapters/dynamodb/dead-letters';
import { TransactionWriter } from '../adapters/dynamodb/transaction';
import { config } from '../config';
import type { ConsumerDeps } from '../middleware/consumer';

/** The idempotent-consumer plumbing of a service: its outbox (if it emits), its inbox of markers, the dead letters. */
export const consumerDeps = (opts: { emits: boolean }): ConsumerDeps => {
  const client = dynamoDbClient();
  return {
    tx: new TransactionWriter(client, { inboxTable: config.inboxTable(), ...(opts.emits ? { outboxTable: config.outboxTable() } : {}) }),
    deadLetters: new DeadLetterStore(client, config.deadLetterTable()),
  };
};
