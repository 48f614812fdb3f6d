import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { DeadLetterRecord } from '../../ports';
import { fromItem, toItem, toValues, type Item } from './marshalling';

export interface DeadLetter {
  consumer: string;
  reason: string;
  details?: unknown;
  event: unknown;
  /** The order the event was about, when its envelope names one: puts the letter in `AggregateIndex`. */
  aggregateId?: string;
  eventId?: string;
  eventType?: string;
}

/**
 * A DynamoDB item holds at most 400 KB. A poison event can be far larger (an `items` array of
 * 100,000 lines, and a zod issue for each): each stored field gets a budget that keeps the item
 * well under the limit, and a field that exceeds it is cut there and listed in `truncated`, with
 * its full size in `<field>Bytes`. The letter is always stored, so the event is never thrown back
 * for retries because it is too big to set aside.
 */
export const DEAD_LETTER_FIELD_BUDGETS = { reason: 4 * 1024, details: 64 * 1024, event: 300 * 1024 } as const;
type BudgetedField = keyof typeof DEAD_LETTER_FIELD_BUDGETS;
export const TRUNCATION_MARK = '…[truncated]';

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a character. */
export const truncateUtf8 = (text: string, maxBytes: number): { text: string; bytes: number; truncated: boolean } => {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return { text, bytes: buffer.length, truncated: false };
  const room = maxBytes - Buffer.byteLength(TRUNCATION_MARK);
  let end = room;
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end -= 1; // never cut inside a multi-byte character
  return { text: `${buffer.subarray(0, end).toString('utf8')}${TRUNCATION_MARK}`, bytes: buffer.length, truncated: true };
};

/** Sparse: only letters whose event named its order carry `aggregateId`, one partition per order. */
export const DEAD_LETTER_AGGREGATE_INDEX = 'AggregateIndex';

/** Where an event that can never be processed (it breaks its contract or its provenance) is set aside, with why. */
export class DeadLetterStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(letter: DeadLetter, now: Date = new Date()): Promise<string> {
    const id = randomUUID();
    const fields: Partial<Record<BudgetedField, string>> = {
      reason: letter.reason,
      details: letter.details === undefined ? undefined : JSON.stringify(letter.details),
      event: JSON.stringify(letter.event) ?? 'undefined',
    };
    const stored: Record<string, unknown> = { id, consumer: letter.consumer, aggregateId: letter.aggregateId, eventId: letter.eventId, eventType: letter.eventType, at: now.toISOString() };
    const truncated: string[] = [];
    for (const [field, value] of Object.entries(fields) as [BudgetedField, string | undefined][]) {
      if (value === undefined) continue;
      const cut = truncateUtf8(value, DEAD_LETTER_FIELD_BUDGETS[field]);
      stored[field] = cut.text;
      if (cut.truncated) {
        truncated.push(field);
        stored[`${field}Bytes`] = cut.bytes;
      }
    }
    if (truncated.length) stored.truncated = truncated;
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toItem(stored) }));
    return id;
  }

  /** Every letter set aside for one order, oldest first. */
  async findByAggregate(aggregateId: string, limit = 100): Promise<DeadLetterRecord[]> {
    const letters: DeadLetterRecord[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DEAD_LETTER_AGGREGATE_INDEX,
          KeyConditionExpression: 'aggregateId = :a',
          ExpressionAttributeValues: toValues({ ':a': aggregateId }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const row = fromItem<{ id: string; consumer: string; reason: string; at: string; eventId?: string; eventType?: string }>(item);
        letters.push({ id: row.id, consumer: row.consumer, reason: row.reason, at: row.at, eventId: row.eventId, eventType: row.eventType });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && letters.length < limit);
    return letters.slice(0, limit);
  }
}
