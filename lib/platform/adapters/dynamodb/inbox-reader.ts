import { BatchGetItemCommand, type BatchGetItemCommandOutput, type DynamoDBClient, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import type { ProcessedEvents, ProcessedRecord } from '../../ports';
import { fullJitter, sleep } from '../backoff';
import { UnprocessedKeysError } from '../errors';
import { fromItem, toValues } from './marshalling';
import { markerKey } from './transaction';

const MAX_KEYS_PER_BATCH = 100;

/**
 * Reads processed-event markers from the inboxes of every service, by `consumer#eventId`, in
 * BatchGetItem calls of at most 100 keys. Keys BatchGetItem leaves unprocessed are retried: a
 * marker it did not return must never read as "not processed yet".
 */
export class InboxReader implements ProcessedEvents {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly inboxOf: (consumer: string) => string,
    private readonly maxAttempts = 5,
  ) {}

  async find(keys: { consumer: string; eventId: string }[]): Promise<ProcessedRecord[]> {
    const records: ProcessedRecord[] = [];
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_BATCH) {
      const request: Record<string, KeysAndAttributes> = {};
      for (const { consumer, eventId } of keys.slice(i, i + MAX_KEYS_PER_BATCH)) {
        const table = this.inboxOf(consumer);
        (request[table] ??= { Keys: [] }).Keys!.push(toValues({ pk: markerKey(consumer, eventId) }));
      }
      records.push(...(await this.batchGet(request)));
    }
    return records;
  }

  private async batchGet(request: Record<string, KeysAndAttributes>): Promise<ProcessedRecord[]> {
    const records: ProcessedRecord[] = [];
    let pending: Record<string, KeysAndAttributes> | undefined = request;
    for (let attempt = 1; pending && Object.keys(pending).length; attempt += 1) {
      if (attempt > this.maxAttempts) throw new UnprocessedKeysError(Object.values(pending).reduce((n, k) => n + (k.Keys?.length ?? 0), 0), this.maxAttempts);
      if (attempt > 1) await sleep(fullJitter(25, attempt));
      const response: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: pending }));
      for (const items of Object.values(response.Responses ?? {})) {
        for (const item of items) {
          const m = fromItem<{ consumer: string; eventId: string; startedAt?: string; processedAt: string; duplicates?: number; lastDuplicateAt?: string }>(item);
          records.push({
            consumer: m.consumer,
            eventId: m.eventId,
            processedAt: m.processedAt,
            duplicates: m.duplicates ?? 0,
            ...(m.startedAt ? { startedAt: m.startedAt } : {}),
            ...(m.lastDuplicateAt ? { lastDuplicateAt: m.lastDuplicateAt } : {}),
          });
        }
      }
      pending = response.UnprocessedKeys;
    }
    return records;
  }
}
