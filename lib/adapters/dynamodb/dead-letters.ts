import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { DeadLetterRecord } from '../../use-cases/ports';
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

/** Sparse: only letters whose event named its order carry `aggregateId`, one partition per order. */
export const DEAD_LETTER_AGGREGATE_INDEX = 'AggregateIndex';

/** Where an event that can never be processed (it breaks its contract) is set aside, with why. */
export class DeadLetterStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(letter: DeadLetter, now: Date = new Date()): Promise<string> {
    const id = randomUUID();
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: toItem({
          id,
          consumer: letter.consumer,
          reason: letter.reason,
          details: letter.details === undefined ? undefined : JSON.stringify(letter.details),
          event: JSON.stringify(letter.event),
          aggregateId: letter.aggregateId,
          eventId: letter.eventId,
          eventType: letter.eventType,
          at: now.toISOString(),
        }),
      }),
    );
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
