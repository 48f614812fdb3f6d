import type { DynamoDBRecord, DynamoDBBatchResponse } from 'aws-lambda';
import type { Item } from '../adapters/dynamodb/marshalling';
import { outboxRowFromImage } from '../adapters/dynamodb/outbox-row';
import type { EventPublisher, RelayOutbox } from './ports';
import { publishOutboxRows } from './publish-rows';

export interface ForwarderDeps {
  publisher: EventPublisher;
  outbox: Pick<RelayOutbox, 'markPublished' | 'markUnpublishable'>;
  now?: () => number;
}

/**
 * Change-data capture path of the outbox: every INSERT on the outbox table's stream is published
 * within seconds of its commit. Records that could not be published are reported back as batch
 * item failures, so Lambda retries from the first of them (at-least-once; consumers deduplicate).
 * A row that cannot be published as it is (unreadable, or not the event its key says) is not a
 * failure: retrying could never fix it and would hold the shard back, so it stays pending for the
 * sweeper and alarms.
 */
export const forwardStreamRecords = async (records: DynamoDBRecord[], deps: ForwarderDeps): Promise<DynamoDBBatchResponse> => {
  // A row inserted without `pendingShard` is not pending (e.g. restored already published): nothing to forward.
  const inserts = records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.pendingShard);
  const rows = inserts.map((r) => ({
    row: outboxRowFromImage(r.dynamodb!.NewImage as unknown as Item),
    sequenceNumber: r.dynamodb!.SequenceNumber!,
  }));
  const { failedIds } = await publishOutboxRows(
    rows.map((r) => r.row),
    { ...deps, path: 'stream' },
  );
  return {
    batchItemFailures: rows.filter((r) => failedIds.has(r.row.id)).map((r) => ({ itemIdentifier: r.sequenceNumber })),
  };
};
