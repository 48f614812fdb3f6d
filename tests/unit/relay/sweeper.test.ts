import { toOutboxRow } from '../../../lib/adapters/dynamodb/outbox-row';
import { sweepOutbox, sweepRepeatedly } from '../../../lib/relay/sweeper';
import { aFakeOutbox, aFakePublisher, aTamperedOutboxRow, someOrderCreatedEvents } from '../../steps/given';

const NOW = 1_736_935_200_000;
const GRACE_MS = 30_000;

describe('sweepOutbox', () => {
  it('looks for rows older than the grace period, publishes them and marks them published', async () => {
    // Prepare
    const events = someOrderCreatedEvents(3);
    const { publisher, publish } = aFakePublisher();
    const { outbox, findUnpublished, markPublished } = aFakeOutbox(events.map((e) => toOutboxRow(e)));

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(findUnpublished).toHaveBeenCalledTimes(1);
    expect(findUnpublished.mock.calls[0]![0]).toBe(NOW - GRACE_MS);
    expect(publish).toHaveBeenCalledWith(events);
    expect(markPublished).toHaveBeenCalledWith(
      events.map((e) => e.id),
      NOW,
      'sweeper',
    );
    expect(result).toEqual({ found: 3, recovered: 3, failed: 0 });
  });

  it('counts what it could not publish as failed and leaves it unmarked', async () => {
    // Prepare
    const events = someOrderCreatedEvents(4);
    const { publisher } = aFakePublisher({ [events[0]!.id]: { code: 'InternalFailure' } });
    const { outbox, markPublished } = aFakeOutbox(events.map((e) => toOutboxRow(e)));

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(result).toEqual({ found: 4, recovered: 3, failed: 1 });
    expect(markPublished.mock.calls[0]![0]).not.toContain(events[0]!.id);
  });

  it('sets aside a row that breaks its contract: found, but neither recovered nor failed', async () => {
    // Prepare
    const [good, bad] = someOrderCreatedEvents(2);
    const rows = [toOutboxRow(good!), aTamperedOutboxRow(bad!, (p) => ({ ...p, version: 9 }))];
    const { publisher, publish } = aFakePublisher();
    const { outbox, markDeadLettered } = aFakeOutbox(rows);

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(markDeadLettered).toHaveBeenCalledWith(bad!.id, expect.stringContaining('Unsupported version 9'), NOW);
    expect(publish).toHaveBeenCalledWith([good]);
    expect(result).toEqual({ found: 2, recovered: 1, failed: 0 });
  });

  it('does not call the publisher when nothing is found', async () => {
    // Prepare
    const { publisher, publish } = aFakePublisher();
    const { outbox, markPublished } = aFakeOutbox([]);

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(publish).not.toHaveBeenCalled();
    expect(markPublished).not.toHaveBeenCalled();
    expect(result).toEqual({ found: 0, recovered: 0, failed: 0 });
  });
});

describe('sweepRepeatedly', () => {
  it('sweeps N times with the interval between sweeps, not after the last', async () => {
    // Prepare
    const sweeps = 4;
    const intervalMs = 15_000;
    const slept: number[] = [];
    const sleep = jest.fn(async (ms: number) => {
      slept.push(ms);
    });
    const { publisher } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox([]);

    // Act
    const results = await sweepRepeatedly({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW }, { sweeps, intervalMs, sleep });

    // Assess
    expect(findUnpublished).toHaveBeenCalledTimes(sweeps);
    expect(slept).toEqual([intervalMs, intervalMs, intervalMs]);
    expect(results).toEqual(Array.from({ length: sweeps }, () => ({ found: 0, recovered: 0, failed: 0 })));
  });

  it('sleeps between sweeps, not before the first', async () => {
    // Prepare
    const order: string[] = [];
    const sleep = async (ms: number) => {
      order.push(`sleep ${ms}`);
    };
    const { publisher } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox([]);
    findUnpublished.mockImplementation(async () => {
      order.push('sweep');
      return [];
    });

    // Act
    await sweepRepeatedly({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW }, { sweeps: 3, intervalMs: 20_000, sleep });

    // Assess
    expect(order).toEqual(['sweep', 'sleep 20000', 'sweep', 'sleep 20000', 'sweep']);
  });

  it('returns the result of each sweep in order', async () => {
    // Prepare
    const events = someOrderCreatedEvents(2);
    const { publisher } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox();
    findUnpublished.mockResolvedValueOnce(events.map((e) => toOutboxRow(e))).mockResolvedValueOnce([]);

    // Act
    const results = await sweepRepeatedly(
      { publisher, outbox, graceMs: GRACE_MS, now: () => NOW },
      { sweeps: 2, intervalMs: 1, sleep: async () => undefined },
    );

    // Assess
    expect(results).toEqual([
      { found: 2, recovered: 2, failed: 0 },
      { found: 0, recovered: 0, failed: 0 },
    ]);
  });

  it('does not sleep for a single sweep', async () => {
    // Prepare
    const sleep = jest.fn(async () => undefined);
    const { publisher } = aFakePublisher();
    const { outbox } = aFakeOutbox([]);

    // Act
    const results = await sweepRepeatedly({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW }, { sweeps: 1, intervalMs: 20_000, sleep });

    // Assess
    expect(results).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });
});
