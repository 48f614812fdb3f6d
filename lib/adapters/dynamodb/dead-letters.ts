import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { toItem } from './marshalling';

export interface DeadLetter {
  consumer: string;
  reason: string;
  details?: unknown;
  event: unknown;
}

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
          at: now.toISOString(),
        }),
      }),
    );
    return id;
  }
}
