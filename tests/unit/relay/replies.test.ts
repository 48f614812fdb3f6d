import { randomUUID } from 'node:crypto';
import { toOutboxRow } from '../../../lib/platform/adapters/dynamodb/outbox-row';
import { repeatReplies } from '../../../lib/platform/relay/replies';
import { anEventAbout } from '../../steps/given';

describe('repeatReplies: a command received again is answered again', () => {
  const orderId = randomUUID();
  const cancelled = anEventAbout('order.cancelled', { orderId, customerId: 'customer-123', reason: 'Saga timed out' });
  const reply = anEventAbout('inventory.released', { orderId, items: [] }, { causationId: cancelled.id, correlationId: cancelled.correlationId });
  const earlier = anEventAbout('inventory.reserved', { orderId, customerId: 'customer-123', items: [{ productId: 'p', quantity: 1, unitPrice: 1 }], amount: 1 });

  it('puts back in the pending index exactly the rows caused by that command', async () => {
    // Prepare
    const findByAggregate = jest.fn(async () => [toOutboxRow(earlier), toOutboxRow(reply)]);
    const markPendingAgain = jest.fn(async () => undefined);

    // Act
    const repeated = await repeatReplies(cancelled, { findByAggregate, markPendingAgain });

    // Assess
    expect(repeated).toBe(1);
    expect(findByAggregate).toHaveBeenCalledWith(orderId, expect.any(Number));
    expect(markPendingAgain).toHaveBeenCalledWith([reply.id]);
  });

  it('does nothing when the command caused no reply (it was ignored the first time)', async () => {
    // Prepare
    const markPendingAgain = jest.fn(async () => undefined);

    // Act
    const repeated = await repeatReplies(cancelled, { findByAggregate: async () => [toOutboxRow(earlier)], markPendingAgain });

    // Assess
    expect(repeated).toBe(0);
    expect(markPendingAgain).not.toHaveBeenCalled();
  });
});
