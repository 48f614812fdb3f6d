import { toOutboxRow } from '../../../lib/platform/adapters/dynamodb/outbox-row';
import { forwardStreamRecords } from '../../../lib/platform/relay/forwarder';
import { aFakeOutbox, aFakePublisher, anInsertRecordOf, anOutboxStreamRecord, aTamperedOutboxRow, someOrderCreatedEvents } from '../../steps/given';

const NOW = 1_736_935_200_000;
const now = () => NOW;

describe('forwardStreamRecords', () => {
  it('publishes the events of INSERT records and marks them published', async () => {
    // Prepare
    const events = someOrderCreatedEvents(3);
    const records = events.map((e) => anInsertRecordOf(e));
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished, markUnpublishable } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith(events);
    expect(markPublished).toHaveBeenCalledTimes(1);
    expect(markPublished).toHaveBeenCalledWith(
      events.map((e) => e.id),
      NOW,
      'stream',
    );
    expect(markUnpublishable).not.toHaveBeenCalled();
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('ignores MODIFY and REMOVE records: only INSERTs are new events', async () => {
    // Prepare
    const [inserted, modified, removed, insertedToo] = someOrderCreatedEvents(4);
    const records = [
      anInsertRecordOf(inserted!),
      anOutboxStreamRecord({ ...toOutboxRow(modified!), pendingShard: undefined, publishedAt: NOW }, { eventName: 'MODIFY' }),
      anOutboxStreamRecord(toOutboxRow(removed!), { eventName: 'REMOVE' }),
      anInsertRecordOf(insertedToo!),
    ];
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(publish).toHaveBeenCalledWith([inserted, insertedToo]);
    expect(markPublished).toHaveBeenCalledWith([inserted!.id, insertedToo!.id], NOW, 'stream');
    expect(response.batchItemFailures).toEqual([]);
  });

  it('ignores an INSERT of a row that is not pending (no pendingShard: already published)', async () => {
    // Prepare
    const [pending, done] = someOrderCreatedEvents(2);
    const records = [anInsertRecordOf(pending!), anOutboxStreamRecord({ ...toOutboxRow(done!), pendingShard: undefined, publishedAt: NOW })];
    const { publisher, publish } = aFakePublisher();
    const { outbox } = aFakeOutbox();

    // Act
    await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(publish).toHaveBeenCalledWith([pending]);
  });

  it('ignores an INSERT without a new image', async () => {
    // Prepare
    const [event] = someOrderCreatedEvents(1);
    const record = anInsertRecordOf(event!);
    delete record.dynamodb!.NewImage;
    const { publisher, publish } = aFakePublisher();
    const { outbox } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords([record], { publisher, outbox, now });

    // Assess
    expect(publish).not.toHaveBeenCalled();
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports exactly the records whose events failed to publish as batch item failures', async () => {
    // Prepare
    const events = someOrderCreatedEvents(5);
    const records = events.map((e, i) => anInsertRecordOf(e, `${1000 + i}`));
    const { publisher } = aFakePublisher({ [events[1]!.id]: { code: 'InternalFailure' }, [events[3]!.id]: { code: 'ThrottlingException' } });
    const { outbox, markPublished } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1001' }, { itemIdentifier: '1003' }]);
    expect(markPublished).toHaveBeenCalledWith([events[0]!.id, events[2]!.id, events[4]!.id], NOW, 'stream');
  });

  it('does not mark anything when nothing was published', async () => {
    // Prepare
    const events = someOrderCreatedEvents(2);
    const records = events.map((e) => anInsertRecordOf(e));
    const { publisher } = aFakePublisher(Object.fromEntries(events.map((e) => [e.id, { code: 'InternalFailure' }])));
    const { outbox, markPublished } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(markPublished).not.toHaveBeenCalled();
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.dynamodb!.SequenceNumber));
  });

  it.each([
    ['invalid data', (p: Record<string, unknown>) => ({ ...p, data: { ...(p.data as object), items: [{ productId: 'product-1', quantity: -1 }] } })],
    ['a version this code does not know', (p: Record<string, unknown>) => ({ ...p, version: 9 })],
    ['an older version', (p: Record<string, unknown>) => ({ ...p, version: 1 })],
    ['a forged source', (p: Record<string, unknown>) => ({ ...p, source: 'saga.payments' })],
  ])('publishes a committed payload with %s as it is: the relay never judges a schema (consumers do)', async (_name, tamper) => {
    // Prepare
    const [good, odd, goodToo] = someOrderCreatedEvents(3);
    const tampered = aTamperedOutboxRow(odd!, tamper);
    const records = [anInsertRecordOf(good!, '1'), anOutboxStreamRecord(tampered, { sequenceNumber: '2' }), anInsertRecordOf(goodToo!, '3')];
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished, markUnpublishable } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(markUnpublishable).not.toHaveBeenCalled();
    expect(publish).toHaveBeenCalledWith([good, JSON.parse(tampered.payload), goodToo]);
    expect(markPublished).toHaveBeenCalledWith([good!.id, odd!.id, goodToo!.id], NOW, 'stream');
    expect(response.batchItemFailures).toEqual([]);
  });

  it.each([
    ['another id', (p: Record<string, unknown>) => ({ ...p, id: '00000000-0000-4000-8000-000000000000' }), /holds event 00000000/],
    ['another type', (p: Record<string, unknown>) => ({ ...p, type: 'order.shipped' }), /holds event .* \(order\.shipped\)/],
    ['no source', (p: Record<string, unknown>) => ({ ...p, source: undefined }), /Payload has no source/],
  ])('keeps pending (never drops) a row whose payload has %s: not published, not a batch failure, reason recorded', async (_name, tamper, reason) => {
    // Prepare
    const [good, bad, goodToo] = someOrderCreatedEvents(3);
    const tampered = aTamperedOutboxRow(bad!, tamper);
    const records = [anInsertRecordOf(good!, '1'), anOutboxStreamRecord(tampered, { sequenceNumber: '2' }), anInsertRecordOf(goodToo!, '3')];
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished, markUnpublishable } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(markUnpublishable).toHaveBeenCalledTimes(1);
    expect(markUnpublishable).toHaveBeenCalledWith(bad!.id, expect.stringMatching(reason), NOW);
    expect(publish).toHaveBeenCalledWith([good, goodToo]);
    expect(markPublished).toHaveBeenCalledWith([good!.id, goodToo!.id], NOW, 'stream');
    // Retrying could never fix it and would hold the shard back: the sweeper meets it again instead.
    expect(response.batchItemFailures).toEqual([]);
  });

  it('keeps pending a row whose payload is not JSON', async () => {
    // Prepare
    const [event] = someOrderCreatedEvents(1);
    const row = { ...toOutboxRow(event!), payload: '{"id": "truncated' };
    const { publisher, publish } = aFakePublisher();
    const { outbox, markUnpublishable } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords([anOutboxStreamRecord(row)], { publisher, outbox, now });

    // Assess
    expect(markUnpublishable).toHaveBeenCalledWith(event!.id, expect.stringMatching(/^Unreadable payload: /), NOW);
    expect(publish).not.toHaveBeenCalled();
    expect(response.batchItemFailures).toEqual([]);
  });

  it('does not report a published record as failed when marking it published fails', async () => {
    // Prepare
    const events = someOrderCreatedEvents(2);
    const { publisher } = aFakePublisher();
    const { outbox, markPublished } = aFakeOutbox();
    markPublished.mockResolvedValueOnce({ marked: [events[0]!.id], failed: [events[1]!.id] });

    // Act
    const response = await forwardStreamRecords(
      events.map((e) => anInsertRecordOf(e)),
      { publisher, outbox, now },
    );

    // Assess
    expect(markPublished).toHaveBeenCalledTimes(1);
    expect(response.batchItemFailures).toEqual([]);
  });

  it('publishes nothing for an empty batch', async () => {
    // Prepare
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished, markUnpublishable } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords([], { publisher, outbox, now });

    // Assess
    expect(publish).not.toHaveBeenCalled();
    expect(markPublished).not.toHaveBeenCalled();
    expect(markUnpublishable).not.toHaveBeenCalled();
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('publishes nothing for a batch of MODIFY and REMOVE records only', async () => {
    // Prepare
    const [a, b] = someOrderCreatedEvents(2);
    const records = [
      anOutboxStreamRecord(toOutboxRow(a!), { eventName: 'MODIFY' }),
      anOutboxStreamRecord(toOutboxRow(b!), { eventName: 'REMOVE' }),
    ];
    const { publisher, publish } = aFakePublisher();
    const { outbox } = aFakeOutbox();

    // Act
    const response = await forwardStreamRecords(records, { publisher, outbox, now });

    // Assess
    expect(publish).not.toHaveBeenCalled();
    expect(response).toEqual({ batchItemFailures: [] });
  });
});

describe('publishedAt', () => {
  it('is when the PutEvents calls were sent, so no consumer can have started on the event before it', async () => {
    // Prepare: a clock that moves on while PutEvents answers (a consumer already has the event).
    let clock = NOW;
    const events = someOrderCreatedEvents(2);
    const { publisher, publish } = aFakePublisher();
    publish.mockImplementationOnce(async (sent) => {
      clock += 900;
      return { published: sent.map((e) => e.id), failed: [] };
    });
    const { outbox, markPublished } = aFakeOutbox();

    // Act
    await forwardStreamRecords(
      events.map((e) => anInsertRecordOf(e)),
      { publisher, outbox, now: () => clock },
    );

    // Assess
    expect(markPublished).toHaveBeenCalledWith(
      events.map((e) => e.id),
      NOW,
      'stream',
    );
  });
});
