import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  chunkEntries,
  EventBridgePublisher,
  MAX_BYTES_PER_PUT,
  MAX_ENTRIES_PER_PUT,
  toEntry,
} from '../../../lib/platform/relay/eventbridge-publisher';
import { someOrderCreatedEvents } from '../../steps/given';
import { type AnyEnvelope } from '../../../lib/services/contracts';

const BUS = 'saga-bus';
const eventBridge = mockClient(EventBridgeClient);

const accepted = (): PutEventsResultEntry => ({ EventId: randomUUID() });
const refused = (code: string): PutEventsResultEntry => ({ ErrorCode: code, ErrorMessage: `${code} for this entry` });
/** EventBridge's answer to a call, entry by entry: `refuse(entry)` returns an error code or nothing. */
const answer =
  (refuse: (entry: PutEventsRequestEntry) => string | undefined = () => undefined) =>
  (input: PutEventsCommandInput) => {
    const entries = (input.Entries ?? []).map((entry) => {
      const code = refuse(entry);
      return code ? refused(code) : accepted();
    });
    return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
  };
const idOf = (entry: PutEventsRequestEntry): string => (JSON.parse(entry.Detail!) as AnyEnvelope).id;

const putCalls = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

const aPublisher = (options: { maxAttempts?: number; baseDelayMs?: number } = {}) => {
  const sleeps: number[] = [];
  const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
    busName: BUS,
    ...options,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { publisher, sleeps };
};

beforeEach(() => {
  eventBridge.reset();
});

afterAll(() => {
  eventBridge.restore();
});

describe('EventBridgePublisher', () => {
  it('sends 25 events in 3 PutEvents calls of 10, 10 and 5 entries', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake(answer());
    const events = someOrderCreatedEvents(25);
    const { publisher, sleeps } = aPublisher();

    // Act
    const result = await publisher.publish(events);

    // Assess
    const calls = putCalls();
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map(idOf)).toEqual(events.map((e) => e.id));
    expect(result).toEqual({ published: events.map((e) => e.id), failed: [] });
    expect(sleeps).toEqual([]);
  });

  it('maps an envelope to an entry: bus, Source = owner, DetailType = type, Detail = the envelope', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake(answer());
    const [event] = someOrderCreatedEvents(1);
    const { publisher } = aPublisher();

    // Act
    await publisher.publish([event!]);

    // Assess
    const [[entry]] = putCalls() as [[PutEventsRequestEntry]];
    expect(entry).toEqual({
      EventBusName: BUS,
      Source: 'saga.orders',
      DetailType: 'order.created',
      Detail: JSON.stringify(event),
      Time: new Date(event!.time),
    });
    expect(JSON.parse(entry.Detail!)).toEqual(event);
  });

  it('makes no call for no events', async () => {
    // Prepare
    const { publisher } = aPublisher();

    // Act
    const result = await publisher.publish([]);

    // Assess
    expect(putCalls()).toHaveLength(0);
    expect(result).toEqual({ published: [], failed: [] });
  });

  it('retries only the entries EventBridge refused', async () => {
    // Prepare
    const events = someOrderCreatedEvents(5);
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [accepted(), refused('InternalFailure'), accepted(), refused('ThrottlingException'), accepted()],
      })
      .callsFake(answer());
    const { publisher, sleeps } = aPublisher();

    // Act
    const result = await publisher.publish(events);

    // Assess
    const calls = putCalls();
    expect(calls).toHaveLength(2);
    expect(calls[0]!.map(idOf)).toEqual(events.map((e) => e.id));
    expect(calls[1]!.map(idOf)).toEqual([events[1]!.id, events[3]!.id]);
    expect(calls[1]).toEqual([toEntry(events[1]!, BUS), toEntry(events[3]!, BUS)]);
    expect([...result.published].sort()).toEqual(events.map((e) => e.id).sort());
    expect(result.failed).toEqual([]);
    expect(sleeps).toHaveLength(1);
  });

  it('reports an entry still refused after maxAttempts as failed, with its code, and publishes the others', async () => {
    // Prepare
    const maxAttempts = 3;
    const events = someOrderCreatedEvents(4);
    const poisoned = events[2]!.id;
    eventBridge.on(PutEventsCommand).callsFake(answer((entry) => (idOf(entry) === poisoned ? 'InternalFailure' : undefined)));
    const { publisher, sleeps } = aPublisher({ maxAttempts });

    // Act
    const result = await publisher.publish(events);

    // Assess
    expect(putCalls()).toHaveLength(maxAttempts);
    expect(putCalls().slice(1).map((entries) => entries.map(idOf))).toEqual([[poisoned], [poisoned]]);
    expect(result.failed).toEqual([{ id: poisoned, code: 'InternalFailure', message: 'InternalFailure for this entry' }]);
    expect([...result.published].sort()).toEqual(events.map((e) => e.id).filter((id) => id !== poisoned).sort());
    expect(sleeps).toHaveLength(maxAttempts - 1);
  });

  it('backs off with full jitter below base * 2^(attempt - 1)', async () => {
    // Prepare
    const baseDelayMs = 100;
    const events = someOrderCreatedEvents(1);
    eventBridge.on(PutEventsCommand).callsFake(answer(() => 'ThrottlingException'));
    const { publisher, sleeps } = aPublisher({ maxAttempts: 4, baseDelayMs });

    // Act
    await publisher.publish(events);

    // Assess
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(baseDelayMs * 2 ** (i + 1));
    });
  });

  it('retries a call that threw (throttling) and then publishes everything', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const events = someOrderCreatedEvents(3);
    eventBridge.on(PutEventsCommand).rejectsOnce(throttled).callsFake(answer());
    const { publisher } = aPublisher();

    // Act
    const result = await publisher.publish(events);

    // Assess
    const calls = putCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.map(idOf)).toEqual(events.map((e) => e.id));
    expect(result).toEqual({ published: events.map((e) => e.id), failed: [] });
  });

  it('reports, never throws, when every attempt threw', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const events = someOrderCreatedEvents(2);
    eventBridge.on(PutEventsCommand).rejects(throttled);
    const { publisher } = aPublisher({ maxAttempts: 2 });

    // Act
    const result = await publisher.publish(events);

    // Assess
    expect(putCalls()).toHaveLength(2);
    expect(result).toEqual({
      published: [],
      failed: events.map((e) => ({ id: e.id, code: 'ThrottlingException', message: 'Rate exceeded' })),
    });
  });

  it('treats an entry without a result as not published', async () => {
    // Prepare
    const events = someOrderCreatedEvents(2);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [accepted()] });
    const { publisher } = aPublisher({ maxAttempts: 1 });

    // Act
    const result = await publisher.publish(events);

    // Assess
    expect(result.published).toEqual([events[0]!.id]);
    expect(result.failed).toEqual([{ id: events[1]!.id, code: 'MissingResult', message: 'No result for entry' }]);
  });

  it('retries each chunk on its own: a refusal in one chunk does not resend another', async () => {
    // Prepare
    const events = someOrderCreatedEvents(12);
    const refusedOnce = new Set([events[11]!.id]);
    eventBridge.on(PutEventsCommand).callsFake(
      answer((entry) => {
        const id = idOf(entry);
        if (!refusedOnce.has(id)) return undefined;
        refusedOnce.delete(id);
        return 'InternalFailure';
      }),
    );
    const { publisher } = aPublisher();

    // Act
    const result = await publisher.publish(events);

    // Assess
    const calls = putCalls();
    expect(calls.map((entries) => entries.length)).toEqual([10, 2, 1]);
    expect(calls[2]!.map(idOf)).toEqual([events[11]!.id]);
    expect(result.failed).toEqual([]);
    expect(result.published).toHaveLength(12);
  });
});

describe('chunkEntries', () => {
  const anItem = (detailBytes: number, n = 0) => ({
    n,
    entry: { Source: 'saga.orders', DetailType: 'order.created', Detail: 'x'.repeat(detailBytes) },
  });
  const bytesOf = (chunk: { entry: PutEventsRequestEntry }[]) =>
    chunk.reduce((sum, { entry }) => sum + Buffer.byteLength(entry.Source!) + Buffer.byteLength(entry.DetailType!) + Buffer.byteLength(entry.Detail!), 0);

  it(`splits by count: at most ${MAX_ENTRIES_PER_PUT} per chunk`, () => {
    // Prepare
    const items = Array.from({ length: 21 }, (_, n) => anItem(10, n));

    // Act
    const chunks = chunkEntries(items);

    // Assess
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 1]);
    expect(chunks.flat().map((i) => i.n)).toEqual(items.map((i) => i.n));
  });

  it('splits by size: entries of ~100 KB go at most 2 per chunk', () => {
    // Prepare
    const items = Array.from({ length: 7 }, (_, n) => anItem(100 * 1024, n));

    // Act
    const chunks = chunkEntries(items);

    // Assess
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2, 1]);
    chunks.forEach((chunk) => expect(bytesOf(chunk)).toBeLessThanOrEqual(MAX_BYTES_PER_PUT));
    expect(chunks.flat().map((i) => i.n)).toEqual(items.map((i) => i.n));
  });

  it('counts bytes, not characters', () => {
    // Prepare: 60 K characters of 2 bytes each are 120 KB.
    const items = Array.from({ length: 3 }, (_, n) => ({
      n,
      entry: { Source: 'saga.orders', DetailType: 'order.created', Detail: 'é'.repeat(60 * 1024) },
    }));

    // Act
    const chunks = chunkEntries(items);

    // Assess
    expect(chunks.map((c) => c.length)).toEqual([2, 1]);
  });

  it('mixes small and large entries without exceeding the byte limit', () => {
    // Prepare
    const sizes = [1_000, 200 * 1024, 1_000, 1_000, 60 * 1024, 1_000];
    const items = sizes.map((size, n) => anItem(size, n));

    // Act
    const chunks = chunkEntries(items);

    // Assess
    chunks.forEach((chunk) => expect(bytesOf(chunk)).toBeLessThanOrEqual(MAX_BYTES_PER_PUT));
    expect(chunks.map((c) => c.map((i) => i.n))).toEqual([[0, 1, 2, 3], [4, 5]]);
  });

  it('puts an entry larger than the limit in a chunk of its own rather than dropping it', () => {
    // Prepare
    const items = [anItem(10, 0), anItem(300 * 1024, 1), anItem(10, 2)];

    // Act
    const chunks = chunkEntries(items);

    // Assess
    expect(chunks.map((c) => c.map((i) => i.n))).toEqual([[0], [1], [2]]);
  });

  it('returns no chunk for no entries', () => {
    // Act
    const chunks = chunkEntries([]);

    // Assess
    expect(chunks).toEqual([]);
  });
});
