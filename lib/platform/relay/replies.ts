import type { OutboxRow } from '../adapters/dynamodb/outbox-row';
import { logger } from '../observability';
import type { RelayOutbox } from './ports';

/** Replies a saga has for one command are a handful; this bounds the read. */
const MAX_ROWS_PER_ORDER = 100;

const causationOf = (row: OutboxRow): string | undefined => {
  try {
    const { causationId } = JSON.parse(row.payload) as { causationId?: unknown };
    return typeof causationId === 'string' ? causationId : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A participant that receives a command it already applied answers again: the rows it emitted in
 * reply (same envelopes) go back into the pending index and the sweeper publishes them once more.
 * This is what lets the watchdog's re-drive of `order.cancelled` finish the job when the
 * compensation was applied but its reply (`inventory.released`, `payment.refunded`) never reached
 * the saga's keeper: the re-driven command is only a duplicate to the participant, so without this
 * nothing would ever tell the saga. Consumers of the reply skip it if they had it already.
 */
export const repeatReplies = async (cause: { id: string; aggregateId: string }, outbox: Pick<RelayOutbox, 'findByAggregate' | 'markPendingAgain'>): Promise<number> => {
  const rows = await outbox.findByAggregate(cause.aggregateId, MAX_ROWS_PER_ORDER);
  const replies = rows.filter((row) => causationOf(row) === cause.id).map((row) => row.id);
  if (replies.length) {
    await outbox.markPendingAgain(replies);
    logger.info('Command received again: its replies are published again', { causationId: cause.id, replies });
  }
  return replies.length;
};
