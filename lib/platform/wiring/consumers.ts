import { dynamoDbClient } from '../adapters/dynamodb/client';
import { DeadLetterStore } from '../adapters/dynamodb/dead-letters';
import { TransactionWriter } from '../adapters/dynamodb/transaction';
import { config } from '../../config';
import type { ConsumerDeps } from '../middleware/consumer';
import { OutboxStore } from '../relay/outbox-store';
import { repeatReplies } from '../relay/replies';

/**
 * The idempotent-consumer plumbing of a service: its outbox (if it emits), its inbox of markers, the
 * dead letters. `repeatsReplies`: a command received again is answered again (the compensation
 * consumers, so that a re-driven cancellation always ends up recorded).
 */
export const consumerDeps = (opts: { emits: boolean; repeatsReplies?: boolean }): ConsumerDeps => {
  const client = dynamoDbClient();
  const outbox = opts.repeatsReplies ? new OutboxStore(client, config.outboxTable()) : undefined;
  return {
    tx: new TransactionWriter(client, { inboxTable: config.inboxTable(), ...(opts.emits ? { outboxTable: config.outboxTable() } : {}) }),
    deadLetters: new DeadLetterStore(client, config.deadLetterTable()),
    ...(outbox ? { onDuplicate: (envelope) => repeatReplies(envelope, outbox) } : {}),
  };
};
