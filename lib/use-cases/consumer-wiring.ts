import { dynamoDbClient } from '../adapters/dynamodb/client';
import { DeadLetterStore, InboxStore } from '../adapters/dynamodb/inbox';
import { TransactionWriter } from '../adapters/dynamodb/transaction';
import { config } from '../config';
import type { ConsumerDeps } from '../middleware/consumer';

/** The idempotent-consumer plumbing of a service: its outbox (if it emits), its inbox, the dead letters. */
export const consumerDeps = (opts: { emits: boolean }): ConsumerDeps => {
  const client = dynamoDbClient();
  return {
    tx: new TransactionWriter(client, { inboxTable: config.inboxTable(), ...(opts.emits ? { outboxTable: config.outboxTable() } : {}) }),
    inbox: new InboxStore(client, config.inboxTable()),
    deadLetters: new DeadLetterStore(client, config.deadLetterTable()),
  };
};
