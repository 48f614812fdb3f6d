/**
 * One rule for every participant step (reserve, charge, release, refund), proven for both
 * participants: commit the decision; when a guarded counter falls short at commit time, commit the
 * failure instead; a duplicate, or any other error, passes through untouched; an event with nothing
 * to do still commits (the marker alone).
 */
import { ConflictError, DuplicateEventError, InsufficientFundsError, type ShortfallError } from '../../../lib/platform/errors';
import { chargePayment } from '../../../lib/services/payments/use-cases/charge-payment';
import { refundPayment } from '../../../lib/services/payments/use-cases/refund-payment';
import { releaseStock } from '../../../lib/services/inventory/use-cases/release-stock';
import { reserveStock } from '../../../lib/services/inventory/use-cases/reserve-stock';
import type { UnitOfWork } from '../../../lib/platform/ports';
import { aFakeInventoryStore, aFakePaymentsStore, aFixedClock, anEventAbout, anInventoryReservedEvent, anOrderCreatedEvent, aPayment, aReservation } from '../../steps/given';
import { expectToReject } from '../../steps/then';

interface Participant {
  name: string;
  /** Runs the participant's forward step on a fresh event, with stores where the read says "there is enough". */
  step: (commit: jest.Mock<Promise<void>, [UnitOfWork]>) => Promise<void>;
  success: { writes: string[]; event: string };
  /** When a guarded counter falls short at commit time: absent where that is not an answer (a stock shard: read again). */
  shortfall?: { error: () => ShortfallError; writes: string[]; event: string };
}

const participants: Participant[] = [
  {
    name: 'inventory (reserveStock)',
    step: (commit) =>
      reserveStock(anOrderCreatedEvent({ data: { items: [{ productId: 'product-1', quantity: 2 }] } }), commit, {
        inventory: aFakeInventoryStore({ products: [{ productId: 'product-1', price: 1500, stock: 5 }] }),
        clock: aFixedClock(),
      }),
    success: { writes: ['putNewReservation', 'decrementStock'], event: 'inventory.reserved' },
  },
  {
    name: 'payments (chargePayment)',
    step: (commit) =>
      chargePayment(anInventoryReservedEvent({ customerId: 'customer-123', amount: 3000 }), commit, {
        payments: aFakePaymentsStore({ account: { customerId: 'customer-123', balance: 10_000 } }),
        clock: aFixedClock(),
      }),
    success: { writes: ['putNewPayment', 'debit'], event: 'payment.succeeded' },
    shortfall: { error: () => new InsufficientFundsError('customer-123'), writes: ['putNewPayment'], event: 'payment.failed' },
  },
];

const opsOf = (unit: UnitOfWork) => unit.writes.map((w) => (w.write as { op: string }).op);
const typesOf = (unit: UnitOfWork) => unit.events.map((e) => e.type);

describe.each(participants)('participant step of $name', (participant) => {
  it('commits the decision once when the guarded counters hold', async () => {
    // Prepare
    const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);

    // Act
    await participant.step(commit);

    // Assess
    expect(commit).toHaveBeenCalledTimes(1);
    expect(opsOf(commit.mock.calls[0]![0])).toEqual(participant.success.writes);
    expect(typesOf(commit.mock.calls[0]![0])).toEqual([participant.success.event]);
  });

  const { shortfall } = participant;
  if (shortfall) {
    it('commits the failure instead when a counter falls short at commit time', async () => {
      // Prepare
      const commit = jest.fn<Promise<void>, [UnitOfWork]>().mockRejectedValueOnce(shortfall.error()).mockResolvedValue(undefined);

      // Act
      await participant.step(commit);

      // Assess
      expect(commit).toHaveBeenCalledTimes(2);
      expect(opsOf(commit.mock.calls[1]![0])).toEqual(shortfall.writes);
      expect(typesOf(commit.mock.calls[1]![0])).toEqual([shortfall.event]);
    });
  }

  it.each([
    ['a duplicate', () => new DuplicateEventError('consumer', 'event-id')],
    ['any other error', () => new Error('DynamoDB is down')],
  ])('lets %s through without committing anything else', async (_what, error) => {
    // Prepare
    const thrown = error();
    const commit = jest.fn<Promise<void>, [UnitOfWork]>().mockRejectedValue(thrown);

    // Act
    const rejected = await expectToReject(() => participant.step(commit), Error);

    // Assess
    expect(rejected).toBe(thrown);
    expect(commit).toHaveBeenCalledTimes(1);
  });
});

describe('reserveStock on sharded stock', () => {
  it('lets a shard that fell short at commit time through as a ConflictError (read again), never as out of stock', async () => {
    // Prepare: the shard held enough when read; a concurrent order emptied it before the commit.
    const conflict = new ConflictError('Shard 0 of product-1 holds fewer than 2 units now; reading the stock again');
    const commit = jest.fn<Promise<void>, [UnitOfWork]>().mockRejectedValueOnce(conflict);

    // Act
    const rejected = await expectToReject(() => participants[0]!.step(commit), ConflictError);

    // Assess
    expect(rejected).toBe(conflict);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('takes a line from several shards in one commit when its home shard lacks the quantity', async () => {
    // Prepare: 6 units in all, 2 in each of three shards; the order wants 5.
    const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);
    const inventory = aFakeInventoryStore({ products: [{ productId: 'product-1', price: 100, stock: 6, shards: [2, 2, 2] }] });

    // Act
    await reserveStock(anOrderCreatedEvent({ data: { items: [{ productId: 'product-1', quantity: 5 }] } }), commit, { inventory, clock: aFixedClock() });

    // Assess
    const unit = commit.mock.calls[0]![0];
    const takes = unit.writes.filter((w) => (w.write as { op: string }).op === 'decrementStock').map((w) => (w.write as { args: unknown[] }).args);
    expect(takes).toHaveLength(3);
    expect(takes.reduce((sum, [, , quantity]) => sum + (quantity as number), 0)).toBe(5);
    expect(new Set(takes.map(([, shard]) => shard)).size).toBe(3);
    expect(typesOf(unit)).toEqual(['inventory.reserved']);
  });

  it('gathers stock spread over more shards than a line may take from, then reads again', async () => {
    // Prepare: 8 units, one in each of 8 shards; a 25-line order may take a line from 3 shards only.
    const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);
    const consolidate = jest.fn(async () => undefined);
    const products = Array.from({ length: 25 }, (_, i) => ({ productId: `p-${i}`, price: 1, stock: i === 0 ? 8 : 1, ...(i === 0 ? { shards: [1, 1, 1, 1, 1, 1, 1, 1] } : {}) }));
    const inventory = { ...aFakeInventoryStore({ products }), consolidate };
    const items = products.map((p, i) => ({ productId: p.productId, quantity: i === 0 ? 5 : 1 }));

    // Act
    await expectToReject(() => reserveStock(anOrderCreatedEvent({ data: { items } }), commit, { inventory, clock: aFixedClock() }), ConflictError);

    // Assess
    expect(commit).not.toHaveBeenCalled();
    expect(consolidate).toHaveBeenCalledTimes(1);
    const [productId, into, moves] = consolidate.mock.calls[0] as unknown as [string, number, { shard: number; quantity: number }[]];
    expect(productId).toBe('p-0');
    expect(moves.reduce((sum, m) => sum + m.quantity, 0)).toBe(4);
    expect(moves.map((m) => m.shard)).not.toContain(into);
  });
});

describe('compensation steps of both participants', () => {
  const cancelled = (orderId: string) => anEventAbout('order.cancelled', { orderId, customerId: 'customer-123', reason: 'Payment failed: Insufficient funds' });

  it.each([
    ['releaseStock', (orderId: string, commit: jest.Mock<Promise<void>, [UnitOfWork]>) =>
      releaseStock(cancelled(orderId), commit, { inventory: aFakeInventoryStore({ reservation: aReservation({ orderId, status: 'RELEASED', version: 2 }) }), clock: aFixedClock() })],
    ['refundPayment', (orderId: string, commit: jest.Mock<Promise<void>, [UnitOfWork]>) =>
      refundPayment(cancelled(orderId), commit, { payments: aFakePaymentsStore({ payment: aPayment({ orderId, status: 'REFUNDED', version: 2 }) }), clock: aFixedClock() })],
  ])('%s commits nothing but the marker when it already compensated', async (_name, step) => {
    // Prepare
    const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);

    // Act
    await step('order-1', commit);

    // Assess
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]![0]).toEqual({ writes: [], events: [] });
  });

  it.each([
    ['releaseStock', 'incrementStock', (orderId: string, commit: jest.Mock<Promise<void>, [UnitOfWork]>) =>
      releaseStock(cancelled(orderId), commit, { inventory: aFakeInventoryStore({ reservation: aReservation({ orderId }) }), clock: aFixedClock() })],
    ['refundPayment', 'credit', (orderId: string, commit: jest.Mock<Promise<void>, [UnitOfWork]>) =>
      refundPayment(cancelled(orderId), commit, { payments: aFakePaymentsStore({ payment: aPayment({ orderId }) }), clock: aFixedClock() })],
  ])('%s gives back what was taken, in one unit with its event', async (_name, giveBack, step) => {
    // Prepare
    const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);

    // Act
    await step('order-2', commit);

    // Assess
    expect(commit).toHaveBeenCalledTimes(1);
    expect(opsOf(commit.mock.calls[0]![0])).toContain(giveBack);
    expect(commit.mock.calls[0]![0].events).toHaveLength(1);
  });
});
