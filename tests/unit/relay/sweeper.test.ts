import { toOutboxRow } from '../../../lib/platform/adapters/dynamodb/outbox-row';
import { SWEEP_CLAIM_MS, sweepOutbox, sweepRepeatedly } from '../../../lib/platform/relay/sweeper';
import { logger } from '../../../lib/platform/observability';
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
    expect(result).toEqual({ found: 3, recovered: 3, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
  });

  it('publishes each stale row once when sweeps overlap: a row claimed by a sweep still running is left to it', async () => {
    // Prepare: two sweeps of one outbox at once (the clock started one per tick; the first is slow).
    const events = someOrderCreatedEvents(5);
    const { publisher, publish } = aFakePublisher();
    const { outbox, claimForSweep } = aFakeOutbox(events.map((e) => toOutboxRow(e)));

    // Act
    const [first, second] = await Promise.all([0, 1].map(() => sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW })));

    // Assess: every row published exactly once, by whichever sweep claimed it, for SWEEP_CLAIM_MS.
    const published = publish.mock.calls.flatMap(([batch]) => batch.map((e) => e.id));
    expect(published.sort()).toEqual(events.map((e) => e.id).sort());
    expect(first!.recovered + second!.recovered).toBe(5);
    expect(first!.claimedElsewhere + second!.claimedElsewhere).toBe(5);
    expect(claimForSweep).toHaveBeenCalledWith(expect.any(Array), NOW, SWEEP_CLAIM_MS);
  });

  it('lets go of the rows it failed to publish, so the next sweep retries them without waiting out the claim', async () => {
    // Prepare: the bus refuses one row once.
    const events = someOrderCreatedEvents(2);
    const refused = aFakePublisher({ [events[0]!.id]: { code: 'InternalFailure' } });
    const { outbox, releaseSweepClaims } = aFakeOutbox(events.map((e) => toOutboxRow(e)));
    await sweepOutbox({ publisher: refused.publisher, outbox, graceMs: GRACE_MS, now: () => NOW });
    const { publisher, publish } = aFakePublisher();

    // Act: the next sweep, well within the claim's lease.
    const next = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW + 1_000 });

    // Assess: the refused row is published; the published one stays claimed (the fake never forgets rows).
    expect(releaseSweepClaims).toHaveBeenCalledWith([events[0]!.id]);
    expect(publish.mock.calls.flatMap(([batch]) => batch.map((e) => e.id))).toEqual([events[0]!.id]);
    expect(next).toMatchObject({ recovered: 1, claimedElsewhere: 1 });
  });

  it('counts what it could not publish as failed and leaves it unmarked', async () => {
    // Prepare
    const events = someOrderCreatedEvents(4);
    const { publisher } = aFakePublisher({ [events[0]!.id]: { code: 'InternalFailure' } });
    const { outbox, markPublished } = aFakeOutbox(events.map((e) => toOutboxRow(e)));

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(result).toEqual({ found: 4, recovered: 3, failed: 1, unpublishable: 0, complete: true, claimedElsewhere: 0 });
    expect(markPublished.mock.calls[0]![0]).not.toContain(events[0]!.id);
  });

  it('logs why each row failed under a key the logger keeps (its own `message` key would drop it)', async () => {
    // Prepare
    const events = someOrderCreatedEvents(1);
    const { publisher } = aFakePublisher({ [events[0]!.id]: { code: 'InternalFailure' } });
    const { outbox } = aFakeOutbox(events.map((e) => toOutboxRow(e)));
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    // Act
    await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    const [, attributes] = error.mock.calls.find(([line]) => line === 'Publish failed after retries')! as [string, Record<string, unknown>];
    expect(attributes).toMatchObject({ outboxId: events[0]!.id, code: 'InternalFailure', reason: 'refused: InternalFailure' });
    expect(attributes).not.toHaveProperty('message');
    error.mockRestore();
  });

  it('publishes a row of a version this code does not know as it is (consumers judge versions, not the relay)', async () => {
    // Prepare
    const [good, other] = someOrderCreatedEvents(2);
    const rows = [toOutboxRow(good!), aTamperedOutboxRow(other!, (p) => ({ ...p, version: 9 }))];
    const { publisher, publish } = aFakePublisher();
    const { outbox, markUnpublishable } = aFakeOutbox(rows);

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(markUnpublishable).not.toHaveBeenCalled();
    expect(publish).toHaveBeenCalledWith([good, { ...JSON.parse(rows[1]!.payload), version: 9 }]);
    expect(result).toEqual({ found: 2, recovered: 2, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
  });

  it('keeps an unpublishable row pending and counts it, recording the reason only once (no write on every sweep)', async () => {
    // Prepare
    const [good, bad] = someOrderCreatedEvents(2);
    const broken = { ...toOutboxRow(bad!), payload: 'not json' };
    const { publisher, publish } = aFakePublisher();
    const first = aFakeOutbox([toOutboxRow(good!), broken]);

    // Act
    const result = await sweepOutbox({ publisher, outbox: first.outbox, graceMs: GRACE_MS, now: () => NOW });
    const reason = first.markUnpublishable.mock.calls[0]![1];
    const again = aFakeOutbox([{ ...broken, unpublishableReason: reason }]);
    const second = await sweepOutbox({ publisher, outbox: again.outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(publish).toHaveBeenCalledWith([good]);
    expect(result).toEqual({ found: 2, recovered: 1, failed: 0, unpublishable: 1, complete: true, claimedElsewhere: 0 });
    expect(second).toEqual({ found: 1, recovered: 0, failed: 0, unpublishable: 1, complete: true, claimedElsewhere: 0 });
    expect(again.markUnpublishable).not.toHaveBeenCalled();
  });

  it('pages through every stale row: no cap per sweep', async () => {
    // Prepare: 1,200 stale rows in three pages.
    const rows = someOrderCreatedEvents(1200).map((e) => toOutboxRow(e));
    const { publisher, publish } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox();
    findUnpublished
      .mockResolvedValueOnce({ rows: rows.slice(0, 500), cursor: { p0: { id: 'a' } } })
      .mockResolvedValueOnce({ rows: rows.slice(500, 1000), cursor: { p1: { id: 'b' } } })
      .mockResolvedValueOnce({ rows: rows.slice(1000) });

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW });

    // Assess
    expect(findUnpublished.mock.calls.map((c) => c[1])).toEqual([undefined, { p0: { id: 'a' } }, { p1: { id: 'b' } }]);
    expect(publish).toHaveBeenCalledTimes(3);
    expect(result).toEqual({ found: 1200, recovered: 1200, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
  });

  it('stops taking pages when the invocation is about to time out, and says the sweep is incomplete', async () => {
    // Prepare
    const rows = someOrderCreatedEvents(4).map((e) => toOutboxRow(e));
    const { publisher } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox();
    findUnpublished.mockResolvedValueOnce({ rows: rows.slice(0, 2), cursor: { p0: {} } }).mockResolvedValueOnce({ rows: rows.slice(2) });
    const remaining = [30_000, 4_000];

    // Act
    const result = await sweepOutbox({ publisher, outbox, graceMs: GRACE_MS, now: () => NOW, remainingMs: () => remaining.shift() ?? 0 });

    // Assess
    expect(findUnpublished).toHaveBeenCalledTimes(1);
    expect(result).toEqual({ found: 2, recovered: 2, failed: 0, unpublishable: 0, complete: false, claimedElsewhere: 0 });
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
    expect(result).toEqual({ found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 });
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
    expect(results).toEqual(Array.from({ length: sweeps }, () => ({ found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 })));
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
      return { rows: [] };
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
    findUnpublished.mockResolvedValueOnce({ rows: events.map((e) => toOutboxRow(e)) }).mockResolvedValueOnce({ rows: [] });

    // Act
    const results = await sweepRepeatedly(
      { publisher, outbox, graceMs: GRACE_MS, now: () => NOW },
      { sweeps: 2, intervalMs: 1, sleep: async () => undefined },
    );

    // Assess
    expect(results).toEqual([
      { found: 2, recovered: 2, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 },
      { found: 0, recovered: 0, failed: 0, unpublishable: 0, complete: true, claimedElsewhere: 0 },
    ]);
  });

  it('skips the sweeps it could not finish before the invocation times out', async () => {
    // Prepare: 40 s left in the invocation, sweeps 15 s apart; the clock moves only while sleeping.
    let clock = 0;
    const { publisher } = aFakePublisher();
    const { outbox, findUnpublished } = aFakeOutbox([]);

    // Act
    const results = await sweepRepeatedly(
      { publisher, outbox, graceMs: GRACE_MS, now: () => NOW + clock, remainingMs: () => 40_000 - clock },
      { sweeps: 4, intervalMs: 15_000, sleep: async (ms) => void (clock += ms) },
    );

    // Assess: at 0, 15 and 30 s (10 s left); a fourth would start at 45 s, after the invocation's end.
    expect(results).toHaveLength(3);
    expect(findUnpublished).toHaveBeenCalledTimes(3);
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
