import type { OutboxRow } from '../adapters/dynamodb/outbox-row';
import { count, logger, metrics, MetricUnit } from '../observability';
import type { CommittedEvent, EventPublisher, PublishPath, RelayOutbox } from './ports';

export interface PublishRowsDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'markPublished' | 'markUnpublishable'>;
  now?: () => number;
  /** Which path published: the stream forwarder, the sweeper, a replay or the watchdog's re-drive. Tags logs and metrics. */
  path: PublishPath;
}

export interface PublishRowsResult {
  /** Rows whose publication failed after the publisher's retries: the caller may retry them. */
  failedIds: Set<string>;
  published: number;
  /** Rows that cannot be published as they are (kept pending, counted, alarmed). */
  unpublishable: number;
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * What the relay checks before publishing a committed row, and nothing more: the payload parses as
 * a JSON object that can be addressed on the bus (`id`, `type`, `source`) and is the event the row
 * says it is (same id and type; otherwise marking it published would mark something else). Whether
 * its `data` matches a contract, and which `version` it is, is the consumers' business: the relay
 * never judges a committed payload's schema, so a deploy that moves a contract on cannot strand an
 * event committed under the previous one.
 */
export const readCommittedEvent = (row: OutboxRow): { event: CommittedEvent } | { reason: string } => {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch (error) {
    return { reason: `Unreadable payload: ${(error as Error).message}` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { reason: 'Payload is not a JSON object' };
  const event = payload as Record<string, unknown>;
  const missing = ['id', 'type', 'source'].filter((field) => !isNonEmptyString(event[field]));
  if (missing.length) return { reason: `Payload has no ${missing.join(', ')}` };
  if (event.id !== row.id || event.type !== row.type) return { reason: `Row ${row.id} (${row.type}) holds event ${String(event.id)} (${String(event.type)})` };
  return { event: event as unknown as CommittedEvent };
};

/**
 * The one publishing routine shared by the stream forwarder, the sweeper, replay and the
 * watchdog's compensation re-drive: publish each committed payload as it is, then mark what was
 * accepted as published.
 *
 * A row that cannot be published (see `readCommittedEvent`) is never dropped: it stays in the
 * pending index, is marked with the reason once, counted (`OutboxRecordsUnpublishable`, which
 * alarms) and skipped. It is not a failure of the batch, so it cannot hold a stream shard back;
 * the sweeper meets it again each sweep (one index read, no write, no publish) and keeps the
 * metric up until someone fixes the row, after which the next sweep publishes it.
 */
export const publishOutboxRows = async (rows: OutboxRow[], deps: PublishRowsDeps): Promise<PublishRowsResult> => {
  const now = deps.now ?? Date.now;
  const events: CommittedEvent[] = [];
  const rowsById = new Map<string, OutboxRow>();
  let unpublishable = 0;
  for (const row of rows) {
    const read = readCommittedEvent(row);
    if ('event' in read) {
      events.push(read.event);
      rowsById.set(row.id, row);
      continue;
    }
    unpublishable += 1;
    logger.error('Outbox row cannot be published as it is; kept pending', { outboxId: row.id, type: row.type, reason: read.reason, path: deps.path });
    if (row.unpublishableReason !== read.reason) {
      try {
        await deps.outbox.markUnpublishable(row.id, read.reason, now());
      } catch (error) {
        logger.warn('Could not record why the row is unpublishable', { outboxId: row.id, error: (error as Error).message });
      }
    }
  }
  count('OutboxRecordsUnpublishable', unpublishable);
  if (events.length === 0) return { failedIds: new Set(), published: 0, unpublishable };

  // When the PutEvents calls were sent, not when the last of them answered: a consumer may start on
  // an event before its call returns (and a sweep's many calls return over a while), so a later
  // stamp would make the delivery lag (publishedAt → the consumer's start) come out negative.
  const publishedAt = now();
  const { published, failed } = await deps.publisher.publish(events);
  if (published.length) {
    const { failed: unmarked } = await deps.outbox.markPublished(published, publishedAt, deps.path);
    // Unmarked rows stay in the pending index: the sweeper publishes them again later, which
    // consumers absorb as duplicates. Nothing is lost, so this is not a batch failure.
    if (unmarked.length) logger.warn('Published but not marked; the sweeper will re-publish', { ids: unmarked });
  }
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const f of failed) {
    logger.error('Publish failed after retries', { outboxId: f.id, correlationId: byId.get(f.id)?.correlationId, code: f.code, reason: f.message, path: deps.path });
  }

  for (const id of published) {
    metrics.addMetric('OutboxLag', MetricUnit.Milliseconds, publishedAt - rowsById.get(id)!.createdAt);
  }
  count('EventsPublished', published.length);
  count('PublishFailures', failed.length);
  logger.info('Outbox rows published', {
    path: deps.path,
    published: published.length,
    failed: failed.length,
    correlationIds: [...new Set(events.map((e) => e.correlationId))],
  });
  return { failedIds: new Set(failed.map((f) => f.id)), published: published.length, unpublishable };
};
