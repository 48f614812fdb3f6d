import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SweepTicks } from '../../relay/ports';
import { SweepTickQueueError } from '../errors';

/** SendMessageBatch takes at most 10 entries; DelaySeconds at most 900. */
const BATCH = 10;
const MAX_DELAY_SECONDS = 900;

/** The clock's delay queue on SQS: one message per tick, each with its own DelaySeconds. */
export class SqsSweepTicks implements SweepTicks {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendAfter(delaysSeconds: number[]): Promise<void> {
    for (let i = 0; i < delaysSeconds.length; i += BATCH) {
      const entries = delaysSeconds.slice(i, i + BATCH).map((delay, j) => ({
        Id: `t${i + j}`,
        MessageBody: JSON.stringify({ tick: i + j + 1 }),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delay))),
      }));
      const { Failed } = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      if (Failed?.length) throw new SweepTickQueueError(`Sweep ticks not queued: ${Failed.map((f) => `${f.Id} ${f.Code}`).join(', ')}`);
    }
  }
}
