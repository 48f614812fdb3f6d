import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { toOutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import { OutboxStore } from '../../lib/platform/relay/outbox-store';
import { toItem } from '../../lib/platform/adapters/dynamodb/marshalling';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { EventBridgePublisher } from '../../lib/platform/relay/eventbridge-publisher';
import { forwardStreamRecords } from '../../lib/platform/relay/forwarder';
import { sweepOutbox } from '../../lib/platform/relay/sweeper';
import { startFakeEventBridge } from '../steps/fake-eventbridge';
import { ddb, getItem, table } from '../steps/local-aws';
import { createEnvelope } from '../../lib/services/contracts';

type FakeBus = Awaited<ReturnType<typeof startFakeEventBridge>>;

const anEvent = (orderId: string, at = new Date()) =>
  createEnvelope(
    {
      type: 'order.created',
      aggregateId: orderId,
      sequence: 1,
      correlationId: `saga-${orderId}`,
      causationId: null,
      data: { orderId, customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 1 }], deadline: at.toISOString() },
    },
    at,
  );

/** Reads every record currently in the outbox table's real stream, from the trim horizon. */
const readStream = async (tableName: string): Promise<DynamoDBRecord[]> => {
  const streams = new DynamoDBStreamsClient({});
  const { Table } = await ddb().send(new DescribeTableCommand({ TableName: tableName }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
  const records: _Record[] = [];
  for (const shard of StreamDescription!.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    for (let i = 0; iterator && i < 20; i += 1) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  streams.destroy();
  return records as unknown as DynamoDBRecord[];
};

describe('outbox publishing against real DynamoDB Local', () => {
  let bus: FakeBus;
  let publisher: EventBridgePublisher;
  beforeAll(async () => {
    bus = await startFakeEventBridge();
    publisher = new EventBridgePublisher(new EventBridgeClient({ endpoint: bus.endpoint }), { busName: 'test-bus', sleep: async () => {} });
  });
  afterAll(() => bus.close());

  it('forwards records read from the outbox stream, marks them published and skips MODIFY records', async () => {
    // Prepare: two orders committed through the outbox, as the orders service does.
    const outboxTable = table('OrdersOutboxTable');
    const events = [anEvent('stream-1'), anEvent('stream-2')];
    await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events });
    const store = new OutboxStore(ddb(), outboxTable);

    // Act
    const records = (await readStream(outboxTable)).filter((r) => events.some((e) => e.id === r.dynamodb?.Keys?.id?.S));
    const response = await forwardStreamRecords(records, { publisher, outbox: store });
    const modifies = (await readStream(outboxTable)).filter((r) => r.eventName === 'MODIFY');
    const before = bus.entries.length;
    await forwardStreamRecords(modifies, { publisher, outbox: store });

    // Assess
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT']);
    expect(response.batchItemFailures).toEqual([]);
    expect(bus.envelopes().map((e) => e.id)).toEqual(expect.arrayContaining(events.map((e) => e.id)));
    expect(bus.entries.length).toBe(before);
    for (const event of events) {
      const row = await getItem<{ publishedAt?: number; publishedBy?: string; pendingShard?: string; expiresAt?: number }>('OrdersOutboxTable', { id: event.id });
      expect(row?.publishedAt).toEqual(expect.any(Number));
      expect(row?.publishedBy).toBe('stream');
      expect(row?.pendingShard).toBeUndefined();
      expect(row?.expiresAt).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('reports refused entries as batch item failures and leaves them pending for the sweeper', async () => {
    // Prepare
    const outboxTable = table('InventoryOutboxTable');
    const event = anEvent('refused-1');
    await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events: [event] });
    const records = (await readStream(outboxTable)).filter((r) => r.dynamodb?.Keys?.id?.S === event.id);
    bus.failNext(100);

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox: new OutboxStore(ddb(), outboxTable) });
    bus.failNext(0);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }]);
    expect((await getItem<{ pendingShard?: string }>('InventoryOutboxTable', { id: event.id }))?.pendingShard).toMatch(/^p\d+$/);
  });

  it('sweeps only unpublished records older than the grace period, without a scan', async () => {
    // Prepare: in the payments outbox, one stale unpublished, one fresh unpublished, one stale published.
    const outboxTable = table('PaymentsOutboxTable');
    const now = Date.now();
    const stale = anEvent('sweep-stale', new Date(now - 120_000));
    const fresh = anEvent('sweep-fresh', new Date(now - 1_000));
    const done = anEvent('sweep-done', new Date(now - 120_000));
    await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events: [stale, fresh] });
    const published = { ...toOutboxRow(done), pendingShard: undefined }; // toItem drops it: out of the pending index
    await ddb().send(new PutItemCommand({ TableName: outboxTable, Item: toItem({ ...published, publishedAt: now - 100_000 }) }));
    const store = new OutboxStore(ddb(), outboxTable);
    const before = bus.entries.length;

    // Act: only rows older than 100 s are stale, so rows other test files write to this table meanwhile never count.
    const first = await sweepOutbox({ publisher, outbox: store, graceMs: 100_000 });
    const second = await sweepOutbox({ publisher, outbox: store, graceMs: 100_000 });

    // Assess
    expect(first).toEqual({ found: 1, recovered: 1, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
    expect(second).toEqual({ found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
    expect(bus.envelopes().slice(before).map((e) => e.id)).toEqual([stale.id]);
    expect((await getItem<{ pendingShard?: string }>('PaymentsOutboxTable', { id: fresh.id }))?.pendingShard).toBeDefined();
    expect(await store.oldestUnpublishedAge(now)).toBeGreaterThanOrEqual(1_000);
  });

  it('claims a pending row for one sweep at a time (until its lease runs out), and never a published one', async () => {
    // Prepare: a pending row and a published one in the inventory outbox.
    const outboxTable = table('InventoryOutboxTable');
    const now = Date.now();
    const pending = toOutboxRow(anEvent(`claim-${now}`));
    const published = { ...toOutboxRow(anEvent(`claimed-done-${now}`)), pendingShard: undefined, publishedAt: now };
    for (const row of [pending, published]) await ddb().send(new PutItemCommand({ TableName: outboxTable, Item: toItem(row) }));
    const store = new OutboxStore(ddb(), outboxTable);

    // Act
    const first = await store.claimForSweep([pending.id, published.id], now, 30_000);
    const overlapping = await store.claimForSweep([pending.id], now + 1_000, 30_000);
    const afterLease = await store.claimForSweep([pending.id], now + 31_000, 30_000);

    // Assess
    expect([...first]).toEqual([pending.id]);
    expect(overlapping.size).toBe(0);
    expect([...afterLease]).toEqual([pending.id]);
    await store.releaseSweepClaims([pending.id, published.id]);
    expect([...(await store.claimForSweep([pending.id], now + 32_000, 30_000))]).toEqual([pending.id]);
    expect(await getItem('InventoryOutboxTable', { id: pending.id })).toMatchObject({ sweepClaimedUntil: now + 62_000, pendingShard: pending.pendingShard });
  });

  it('drains every stale row in one sweep, page after page (500 rows, more than a page of every shard), and keeps an unpublishable row pending', async () => {
    // Prepare: a backlog after an outage, in the orders outbox, plus one row whose payload is not the event its key says.
    const outboxTable = table('OrdersOutboxTable');
    const at = new Date(Date.now() - 300_000);
    const backlog = Array.from({ length: 500 }, (_, i) => anEvent(`backlog-${i}`, at));
    for (let i = 0; i < backlog.length; i += 25) await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events: backlog.slice(i, i + 25) });
    const odd = anEvent('backlog-odd', at);
    const mislabelled = { ...toOutboxRow(odd), payload: JSON.stringify({ ...odd, id: anEvent('other').id }) };
    await ddb().send(new PutItemCommand({ TableName: outboxTable, Item: toItem(mislabelled) }));
    const store = new OutboxStore(ddb(), outboxTable);
    const before = bus.entries.length;

    // Act: only rows older than 200 s are stale, so rows other test files write to this table meanwhile never count.
    const first = await sweepOutbox({ publisher, outbox: store, graceMs: 200_000 });
    const second = await sweepOutbox({ publisher, outbox: store, graceMs: 200_000 });

    // Assess
    expect(first).toMatchObject({ found: 501, recovered: 500, failed: 0, unpublishable: 1, complete: true, claimedElsewhere: 0 });
    expect(new Set(bus.envelopes().slice(before).map((e) => e.id))).toEqual(new Set(backlog.map((e) => e.id)));
    // Never dropped: still in the pending index, with the reason; the next sweep meets it again and publishes nothing.
    const kept = await getItem<{ pendingShard?: string; unpublishableReason?: string }>('OrdersOutboxTable', { id: odd.id });
    expect(kept?.pendingShard).toMatch(/^p\d+$/);
    expect(kept?.unpublishableReason).toMatch(/holds event/);
    expect(second).toMatchObject({ found: 1, recovered: 0, unpublishable: 1 });
  });

  it('replays by type within its window, in commit order, across every segment of the scan (no index by type)', async () => {
    // Prepare: 40 order.created rows in the window, one of another type in it, one of the type after it.
    const outboxTable = table('InventoryOutboxTable');
    const from = Date.now() - 1_000_000;
    const events = Array.from({ length: 40 }, (_, i) => anEvent(`typed-${i}`, new Date(from + i * 10)));
    const other = { ...anEvent('typed-other', new Date(from + 5)), type: 'order.confirmed' };
    const late = anEvent('typed-late', new Date(from + 5_000));
    await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events: events.slice(0, 20) });
    await new TransactionWriter(ddb(), { outboxTable }).commit({ writes: [], events: [...events.slice(20), other, late] });
    const store = new OutboxStore(ddb(), outboxTable);

    // Act
    const rows = await store.findByType('order.created', from, from + 1000, 100);
    const firstTen = await store.findByType('order.created', from, from + 1000, 10);

    // Assess
    expect(rows.map((r) => r.id)).toEqual(events.map((e) => e.id));
    expect(firstTen.map((r) => r.id)).toEqual(events.slice(0, 10).map((e) => e.id));
  });
});
