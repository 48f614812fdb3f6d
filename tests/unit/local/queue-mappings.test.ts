/**
 * The local SQS (local/emulator/queue-mappings.js) that delivers the sweep clock's delayed ticks:
 * the real SDK client sends to it, each message arrives after its own delay with the event
 * Lambda's poller sends, and a message still pending when the stack is killed arrives after it
 * restarts (SQS keeps messages through a Lambda outage), unless the queue's retention has passed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalQueues } from '../../../local/emulator/queue-mappings';

type Timer = { at: number; fn: () => void };

const harness = async (file: string, retentionSeconds = 60) => {
  let clock = 1_000_000;
  const timers: Timer[] = [];
  const delivered: { queue: string; record: Record<string, unknown>; at: number }[] = [];
  const queues = await startLocalQueues({
    file,
    retentionSecondsOf: () => retentionSeconds,
    now: () => clock,
    schedule: (ms: number, fn: () => void) => {
      const t = { at: clock + ms, fn };
      timers.push(t);
      return t;
    },
    cancel: (t: unknown) => void timers.splice(timers.indexOf(t as Timer), 1),
  });
  /** Moves the clock on by `ms`, firing what falls due. */
  const advance = async (ms: number) => {
    clock += ms;
    for (const t of timers.filter((x) => x.at <= clock).sort((a, b) => a.at - b.at)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
    await new Promise((r) => setImmediate(r));
  };
  const client = new SQSClient({ endpoint: queues.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return { queues, advance, delivered, client, attach: () => queues.attach(async (queue: string, record: Record<string, unknown>) => void delivered.push({ queue, record, at: clock })), now: () => clock };
};

describe('the local SQS', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-sqs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes a batch from the SDK (checksums included) and delivers each message after its own delay, as an SQS event', async () => {
    // Prepare
    const h = await harness(path.join(dir, 'sqs.json'));
    h.attach();
    const url = h.queues.queueUrl('order-saga-local-sweep-ticks');

    try {
      // Act
      const answer = await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '{"tick":1}', DelaySeconds: 15 }, { Id: 'b', MessageBody: '{"tick":2}', DelaySeconds: 30 }] }));
      await h.advance(14_999);
      const early = h.delivered.length;
      await h.advance(1);
      await h.advance(15_000);

      // Assess
      expect(answer.Successful!.map((s) => s.Id)).toEqual(['a', 'b']);
      expect(early).toBe(0);
      expect(h.delivered.map((d) => [d.queue, d.record.body, d.at - 1_000_000])).toEqual([
        ['order-saga-local-sweep-ticks', '{"tick":1}', 15_000],
        ['order-saga-local-sweep-ticks', '{"tick":2}', 30_000],
      ]);
      expect(h.delivered[0]!.record).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:order-saga-local-sweep-ticks' });
    } finally {
      h.client.destroy();
      await h.queues.stop();
    }
  });

  it('keeps pending messages through a kill: a restarted stack delivers them, and drops those past the retention', async () => {
    // Prepare: two ticks pending when the stack dies.
    const file = path.join(dir, 'sqs.json');
    const first = await harness(file, 60);
    first.attach();
    const url = first.queues.queueUrl('q');
    await first.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'soon', DelaySeconds: 5 }] }));
    first.client.destroy();
    await first.queues.stop();

    // Act: the next stack starts on the same file.
    const second = await harness(file, 60);
    second.attach();
    await second.advance(5_000);
    second.client.destroy();
    await second.queues.stop();

    const third = await harness(file, 1);
    await third.client.send(new SendMessageBatchCommand({ QueueUrl: third.queues.queueUrl('q'), Entries: [{ Id: 'b', MessageBody: 'late', DelaySeconds: 5 }] }));
    third.attach();
    await third.advance(5_000);
    third.client.destroy();
    await third.queues.stop();

    // Assess
    expect(second.delivered.map((d) => d.record.body)).toEqual(['soon']);
    expect(third.delivered).toEqual([]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('refuses an operation it does not emulate with an SQS error, not silence', async () => {
    // Prepare
    const h = await harness(path.join(dir, 'sqs.json'));

    try {
      // Act
      const answer = await fetch(h.queues.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AmazonSQS.PurgeQueue' }, body: '{}' });

      // Assess
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ message: expect.stringContaining('AmazonSQS.PurgeQueue') });
    } finally {
      h.client.destroy();
      await h.queues.stop();
    }
  });
});
