/**
 * One rule for every participant step (reserve, charge, release, refund), proven for both
 * participants: commit the decision; when a guarded counter falls short at commit time, commit the
 * failure instead; a duplicate, or any other error, passes through untouched; an event with nothing
 * to do still commits (the marker alone).
 */
import { DuplicateEventError, InsufficientFundsError, InsufficientStockError, type ShortfallError } from '../../../lib/platform/errors';
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
  shortfall: () => ShortfallError;
  success: { writes: string[]; event: string };
  failure: { writes: string[]; event: string };
}

const participants: Participant[] = [
  {
    name: 'inventory (reserveStock)',
    step: (commit) =>
      reserveStock(anOrderCreatedEvent({ data: { items: [{ productId: 'product-1', quantity: 2 }] } }), commit, {
        inventory: aFakeInventoryStore({ products: [{ productId: 'product-1', price: 1500, stock: 5 }] }),
        clock: aFixedClock(),
      }),
    shortfall: () => new InsufficientStockError('product-1'),
    success: { writes: ['putNewReservation', 'decrementStock'], event: 'inventory.reserved' },
    failure: { writes: ['putNewReservation'], event: 'inventory.reservation.failed' },
  },
  {
    name: 'payments (chargePayment)',
    step: (commit) =>
      chargePayment(anInventoryReservedEvent({ customerId: 'customer-123', amount: 3000 }), commit, {
        payments: aFakePaymentsStore({ account: { customerId: 'customer-123', balance: 10_000 } }),
        clock: aFixedClock(),
      }),
    shortfall: () => new InsufficientFundsError('customer-123'),
    success: { writes: ['putNewPayment', 'debit'], event: 'payment.succeeded' },
    failure: { writes: ['putNewPayment'], event: 'payment.failed' },
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

  it('commits the failure instead when a counter falls short at commit time', async () => {
    // Prepare
    const commit = jest.fn<Promise<void>, [UnitOfWork]>().mockRejectedValueOnce(participant.shortfall()).mockResolvedValue(undefined);

    // Act
    await participant.step(commit);

    // Assess
    expect(commit).toHaveBeenCalledTimes(2);
    expect(opsOf(commit.mock.calls[1]![0])).toEqual(participant.failure.writes);
    expect(typesOf(commit.mock.calls[1]![0])).toEqual([participant.failure.event]);
  });

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
