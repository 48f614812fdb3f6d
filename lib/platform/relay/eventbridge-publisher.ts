import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { fullJitter, sleep, type Sleep } from '../adapters/backoff';
import type { CommittedEvent, EventPublisher, PublishFailure, PublishResult } from './ports';

export const MAX_ENTRIES_PER_PUT = 10;
/** PutEvents rejects a request above 256 KiB; stay under it with room for the request framing. */
export const MAX_BYTES_PER_PUT = 250 * 1024;

export interface EventBridgePublisherOptions {
  busName: string;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: Sleep;
}

/** The size PutEvents counts for an entry (UTF-8 bytes of its fields). */
const entrySize = (entry: PutEventsRequestEntry): number =>
  Buffer.byteLength(entry.Source ?? '') + Buffer.byteLength(entry.DetailType ?? '') + Buffer.byteLength(entry.Detail ?? '') + 64;

/** Groups entries into PutEvents calls of at most 10 entries and `MAX_BYTES_PER_PUT` bytes. */
export const chunkEntries = <T extends { entry: PutEventsRequestEntry }>(items: T[]): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(item.entry);
    if (current.length === MAX_ENTRIES_PER_PUT || (current.length > 0 && bytes + size > MAX_BYTES_PER_PUT)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
};

export const toEntry = (event: CommittedEvent, busName: string): PutEventsRequestEntry => {
  // The payload goes out as committed; only a readable `time` is copied to the bus event's Time.
  const time = typeof event.time === 'string' ? new Date(event.time) : undefined;
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    ...(time && Number.isFinite(time.getTime()) ? { Time: time } : {}),
  };
};

/**
 * Publishes envelopes to the bus. PutEvents can accept some entries of a call and refuse others
 * (`FailedEntryCount`): only the refused ones are retried, with exponential backoff and full
 * jitter; what still fails after `maxAttempts` is reported back, never thrown, so the caller can
 * report exactly those records as failed.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: Sleep;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgePublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.sleep = options.sleep ?? sleep;
  }

  async publish(events: CommittedEvent[]): Promise<PublishResult> {
    const items = events.map((event) => ({ id: event.id, entry: toEntry(event, this.options.busName) }));
    const results = await Promise.all(chunkEntries(items).map((chunk) => this.putChunk(chunk)));
    return {
      published: results.flatMap((r) => r.published),
      failed: results.flatMap((r) => r.failed),
    };
  }

  private async putChunk(chunk: { id: string; entry: PutEventsRequestEntry }[]): Promise<PublishResult> {
    const published: string[] = [];
    let pending = chunk;
    let failures: PublishFailure[] = [];
    for (let attempt = 1; pending.length > 0 && attempt <= this.maxAttempts; attempt += 1) {
      if (attempt > 1) await this.sleep(fullJitter(this.baseDelayMs, attempt - 1, Number.POSITIVE_INFINITY));
      try {
        const response = await this.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        const entries = response.Entries ?? [];
        const retry: typeof pending = [];
        failures = [];
        pending.forEach((item, i) => {
          const result = entries[i];
          if (result?.EventId && !result.ErrorCode) {
            published.push(item.id);
          } else {
            retry.push(item);
            failures.push({ id: item.id, code: result?.ErrorCode ?? 'MissingResult', message: result?.ErrorMessage ?? 'No result for entry' });
          }
        });
        pending = retry;
      } catch (error) {
        const err = error as Error;
        failures = pending.map((p) => ({ id: p.id, code: err.name, message: err.message }));
      }
    }
    return { published, failed: pending.length ? failures : [] };
  }
}
