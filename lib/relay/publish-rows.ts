import type { OutboxRow } from '../adapters/dynamodb/outbox-row';
import { EventSchemaError } from '../domain/errors';
import { parseEnvelope, type AnyEnvelope } from '../domain/events/envelope';
import { count, logger, metrics, MetricUnit } from '../observability';
import type { EventPublisher, PublishPath, RelayOutbox } from './ports';

export interface PublishRowsDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'markPublished' | 'markDeadLettered'>;
  now?: () => number;
  /** Which path published: the stream forwarder, the sweeper or a replay. Tags logs and metrics. */
  path: PublishPath;
}

/**
 * The one publishing routine shared by the stream forwarder, the sweeper and replay: validate
 * each row against its contract (a row that breaks it is set aside with the reason, never
 * retried), publish, then mark what was accepted as published.
 */
export const publishOutboxRows = async (rows: OutboxRow[], deps: PublishRowsDeps): Promise<{ failedIds: Set<string>; published: number }> => {
  const now = deps.now ?? Date.now;
  const events: AnyEnvelope[] = [];
  for (const row of rows) {
    try {
      const event = parseEnvelope(JSON.parse(row.payload));
      // A row whose key disagrees with its payload could never be marked published correctly.
      if (event.id !== row.id || event.type !== row.type) throw new EventSchemaError(`Row ${row.id} (${row.type}) holds event ${event.id} (${event.type})`);
      events.push(event);
    } catch (error) {
      const reason = error instanceof EventSchemaError ? `${error.message}: ${JSON.stringify(error.details)}` : `Unreadable payload: ${(error as Error).message}`;
      logger.error('Outbox record breaks its contract; set aside', { outboxId: row.id, type: row.type, reason });
      await deps.outbox.markDeadLettered(row.id, reason, now());
      count('OutboxRecordsDeadLettered');
    }
  }
  if (events.length === 0) return { failedIds: new Set(), published: 0 };

  const { published, failed } = await deps.publisher.publish(events);
  const publishedAt = now();
  if (published.length) {
    const { failed: unmarked } = await deps.outbox.markPublished(published, publishedAt, deps.path);
    // Unmarked rows stay in the pending index: the sweeper publishes them again later, which
    // consumers absorb as duplicates. Nothing is lost, so this is not a batch failure.
    if (unmarked.length) logger.warn('Published but not marked; the sweeper will re-publish', { ids: unmarked });
  }
  const byId = new Map(events.map((e) => [e.id, e]));
  for (const f of failed) {
    logger.error('Publish failed after retries', { outboxId: f.id, correlationId: byId.get(f.id)?.correlationId, code: f.code, message: f.message, path: deps.path });
  }

  for (const id of published) {
    const event = byId.get(id)!;
    metrics.addMetric('OutboxLag', MetricUnit.Milliseconds, publishedAt - Date.parse(event.time));
  }
  count('EventsPublished', published.length);
  count('PublishFailures', failed.length);
  logger.info('Outbox rows published', {
    path: deps.path,
    published: published.length,
    failed: failed.length,
    correlationIds: [...new Set(events.map((e) => e.correlationId))],
  });
  return { failedIds: new Set(failed.map((f) => f.id)), published: published.length };
};
