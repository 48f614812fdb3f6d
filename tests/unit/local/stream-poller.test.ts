import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { filterRecords, nextIdleDelay, processBatch, readBatchResponse, StreamPoller } from '../../../local/emulator/stream-poller';

// The local stream trigger must behave like Lambda's DynamoDB-stream event source mapping, or the
// local stack would hide (or invent) failure modes of the forwarder.

const aRecord = (seq: number, eventName = 'INSERT', ageSeconds = 0) => ({
  eventName,
  dynamodb: { SequenceNumber: String(1000 + seq), ApproximateCreationDateTime: (Date.now() - ageSeconds * 1000) / 1000, Keys: { id: { S: `r${seq}` } } },
});
const someRecords = (n: number) => Array.from({ length: n }, (_, i) => aRecord(i));
const seqs = (records: { dynamodb: { SequenceNumber: string } }[]) => records.map((r) => r.dynamodb.SequenceNumber);
const noSleep = async () => {};

describe('processBatch: Lambda semantics for one batch read from a shard', () => {
  it('invokes once with every record and checkpoints the last one when the function succeeds', async () => {
    // Prepare
    const records = someRecords(3);
    const invoke = jest.fn().mockResolvedValue({ batchItemFailures: [] });
    const checkpoint = jest.fn();

    // Act
    const stats = await processBatch(records, { invoke, checkpoint, functionResponseType: 'ReportBatchItemFailures', sleep: noSleep });

    // Assess
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(seqs(invoke.mock.calls[0][0])).toEqual(seqs(records));
    expect(checkpoint).toHaveBeenLastCalledWith('1002');
    expect(stats).toMatchObject({ invocations: 1, discarded: 0 });
  });

  it('on batch item failures checkpoints before the lowest failed record and retries from it only', async () => {
    // Prepare
    const records = someRecords(5);
    const invoke = jest
      .fn()
      .mockResolvedValueOnce({ batchItemFailures: [{ itemIdentifier: '1004' }, { itemIdentifier: '1002' }] })
      .mockResolvedValueOnce({ batchItemFailures: [] });
    const checkpoint = jest.fn();

    // Act
    await processBatch(records, { invoke, checkpoint, functionResponseType: 'ReportBatchItemFailures', maximumRetryAttempts: 3, sleep: noSleep });

    // Assess
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(seqs(invoke.mock.calls[1][0])).toEqual(['1002', '1003', '1004']);
    expect(checkpoint.mock.calls.map((c) => c[0])).toEqual(['1001', '1004', '1004']);
  });

  it('ignores batchItemFailures when the mapping does not report them (the whole batch succeeded)', async () => {
    // Prepare
    const invoke = jest.fn().mockResolvedValue({ batchItemFailures: [{ itemIdentifier: '1000' }] });

    // Act
    await processBatch(someRecords(2), { invoke, sleep: noSleep });

    // Assess
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('treats an identifier that names no record as a failure of the whole batch', () => {
    // Act
    const outcome = readBatchResponse({ batchItemFailures: [{ itemIdentifier: '' }] }, someRecords(2), true);

    // Assess
    expect(outcome).toEqual({ ok: false, from: 0, invalid: true });
  });

  it('bisects a batch whose invocation throws, and retries each half on its own', async () => {
    // Prepare: record 2 poisons any batch that contains it, until its own retries run out.
    const records = someRecords(4);
    const invoke = jest.fn(async (batch: { dynamodb: { SequenceNumber: string } }[]) => {
      if (seqs(batch).includes('1002')) throw new Error('poison');
      return {};
    });
    const onFailure = jest.fn();

    // Act
    const stats = await processBatch(records, { invoke, onFailure, bisectBatchOnFunctionError: true, maximumRetryAttempts: 3, sleep: noSleep, describe: { shardId: 'shard-1', streamArn: 'arn:stream' } });

    // Assess
    expect(invoke.mock.calls.map((c) => seqs(c[0]))).toEqual([
      ['1000', '1001', '1002', '1003'],
      ['1000', '1001'],
      ['1002', '1003'],
      // In sequence order: the poisoned half is retried until discarded before its neighbour runs.
      ['1002'],
      ['1002'],
      ['1003'],
    ]);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
      DDBStreamBatchInfo: { shardId: 'shard-1', startSequenceNumber: '1002', endSequenceNumber: '1002', batchSize: 1, streamArn: 'arn:stream' },
    });
    expect(stats.discarded).toBe(1);
  });

  it('retries a failing batch at most maximumRetryAttempts times, then sends it to the on-failure destination and moves on', async () => {
    // Prepare
    const invoke = jest.fn().mockRejectedValue(new Error('down'));
    const onFailure = jest.fn();
    const checkpoint = jest.fn();

    // Act
    await processBatch(someRecords(2), { invoke, onFailure, checkpoint, maximumRetryAttempts: 2, sleep: noSleep });

    // Assess
    expect(invoke).toHaveBeenCalledTimes(3);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0].errorMessage).toBe('down');
    expect(checkpoint).toHaveBeenLastCalledWith('1001');
  });

  it('discards records older than maximumRecordAgeInSeconds without invoking', async () => {
    // Prepare
    const invoke = jest.fn();
    const onFailure = jest.fn();

    // Act
    await processBatch([aRecord(0, 'INSERT', 120)], { invoke, onFailure, maximumRecordAgeInSeconds: 60, sleep: noSleep });

    // Assess
    expect(invoke).not.toHaveBeenCalled();
    expect(onFailure.mock.calls[0][0].requestContext.condition).toBe('RecordAgeExceeded');
  });

  it('drops records the filter patterns do not match, and still checkpoints past them', async () => {
    // Prepare
    const records = [aRecord(0, 'INSERT'), aRecord(1, 'MODIFY'), aRecord(2, 'REMOVE')];
    const invoke = jest.fn().mockResolvedValue({});
    const checkpoint = jest.fn();

    // Act
    await processBatch(records, { invoke, checkpoint, filterPatterns: [{ eventName: ['INSERT'] }], sleep: noSleep });

    // Assess
    expect(seqs(invoke.mock.calls[0][0])).toEqual(['1000']);
    expect(checkpoint).toHaveBeenLastCalledWith('1002');
  });

  it('skips the invocation entirely when no record matches', async () => {
    // Prepare
    const invoke = jest.fn();

    // Act
    await processBatch([aRecord(0, 'MODIFY')], { invoke, filterPatterns: [{ eventName: ['INSERT'] }], sleep: noSleep });

    // Assess
    expect(invoke).not.toHaveBeenCalled();
  });
});

describe('filterRecords', () => {
  it('matches nested patterns and accepts the JSON-string form of a pattern', () => {
    // Prepare
    const records = [aRecord(0, 'INSERT'), aRecord(1, 'MODIFY')];

    // Act
    const matched = filterRecords([{ pattern: JSON.stringify({ dynamodb: { Keys: { id: { S: ['r1'] } } } }) }], records);

    // Assess
    expect(seqs(matched)).toEqual(['1001']);
  });
});

describe('polling', () => {
  it('backs off from the minimum interval to the maximum while the shard is quiet', () => {
    // Act
    const delays = [0, 10, 20, 40, 80, 160, 250].map((d) => nextIdleDelay(d, { minIntervalMs: 10, maxIntervalMs: 250 }));

    // Assess
    expect(delays).toEqual([10, 20, 40, 80, 160, 250, 250]);
  });

  it('reads a quiet shard again as soon as it is woken, instead of finishing its backoff', async () => {
    // Prepare: a fake stream with one shard, and pauses that never end unless woken.
    let available = false;
    let reads = 0;
    const record = aRecord(0);
    const send = jest.fn(async (command: unknown) => {
      if (command instanceof DescribeStreamCommand) return { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: 'it-0' };
      if (command instanceof GetRecordsCommand) {
        reads += 1;
        const records = available ? [record] : [];
        available = false;
        return { Records: records, NextShardIterator: `it-${reads}` };
      }
      throw new Error('unexpected command');
    });
    let clock = 0;
    const invoked: unknown[] = [];
    const poller = new StreamPoller({
      client: { send },
      streamArn: 'arn:stream',
      settings: { minIntervalMs: 10, maxIntervalMs: 250 },
      sleep: (_ms: number, woken?: Promise<void>) => woken ?? new Promise<void>(() => {}),
      now: () => (clock += 1000),
      invoke: async (event: unknown) => {
        invoked.push(event);
        return {};
      },
    });
    const settle = async () => {
      for (let i = 0; i < 50; i += 1) await new Promise((r) => setImmediate(r));
    };

    // Act
    await poller.start();
    await settle();
    const readsWhileQuiet = reads;
    available = true;
    await settle();
    const invokedBeforeWake = invoked.length;
    poller.wake();
    await settle();
    await poller.stop();

    // Assess
    expect(readsWhileQuiet).toBe(1);
    expect(invokedBeforeWake).toBe(0);
    expect(invoked).toHaveLength(1);
    expect(invoked[0]).toMatchObject({ Records: [{ eventSourceARN: 'arn:stream', dynamodb: { SequenceNumber: '1000' } }] });
  });
});
