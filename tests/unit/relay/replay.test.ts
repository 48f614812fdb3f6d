import { toOutboxRow, type OutboxRow } from '../../../lib/platform/adapters/dynamodb/outbox-row';
import { ValidationError } from '../../../lib/platform/errors';
import { sources , contracts } from '../../../lib/services/contracts';
import { parseReplayRequest, replayEvents, type ReplayDeps } from '../../../lib/platform/relay/replay';
import { aFakePublisher, anOrderCreatedEvent } from '../../steps/given';
import { expectToThrow } from '../../steps/then';

/** An outbox store over fixed rows; records what replay asked of it. */
const aStore = (rows: OutboxRow[]) => ({
  get: jest.fn(async (id: string) => rows.find((r) => r.id === id)),
  findByAggregate: jest.fn(async (aggregateId: string) => rows.filter((r) => r.aggregateId === aggregateId)),
  findByType: jest.fn(async (type: string, from: number, to: number) => rows.filter((r) => r.type === type && r.createdAt >= from && r.createdAt <= to)),
  markPublished: jest.fn(async (ids: string[]) => ({ marked: ids, failed: [] as string[] })),
  markUnpublishable: jest.fn(async () => undefined),
});

const setup = () => {
  const created = anOrderCreatedEvent({}, new Date('2026-01-01T10:00:00Z'));
  const other = anOrderCreatedEvent({}, new Date('2026-01-01T12:00:00Z'));
  const orders = aStore([toOutboxRow(created), toOutboxRow(other)]);
  const inventory = aStore([]);
  const payments = aStore([]);
  const { publisher, publish } = aFakePublisher();
  const deps: ReplayDeps = {
    publisher,
    contracts,
    outboxes: [
      { source: sources.orders, store: orders },
      { source: sources.inventory, store: inventory },
      { source: sources.payments, store: payments },
    ],
  };
  return { created, other, orders, inventory, payments, publish, deps };
};

describe('replay requests', () => {
  it.each([
    [{}, /exactly one of orderId, eventId, or type/],
    [{ orderId: 'o', eventId: '6f1c1a52-2b1a-4b7e-9d55-111111111111' }, /exactly one/],
    [{ type: 'order.created' }, /time window/],
    [{ type: 'order.created', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /must not be before from/],
    [{ type: 'no.such.type', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, /type/],
    [{ orderId: 'o', extra: true }, /Unrecognized key/],
  ])('refuses %j with a ValidationError that says why', (input, message) => {
    // Act
    const error = expectToThrow(() => parseReplayRequest(input, contracts), ValidationError);

    // Assess
    expect(error.message).toMatch(message);
  });
});

describe('replayEvents', () => {
  it('re-publishes an order’s stored events unchanged (same envelope ids)', async () => {
    // Prepare
    const { created, orders, publish, deps } = setup();

    // Act
    const result = await replayEvents({ orderId: created.aggregateId }, deps);

    // Assess
    expect(result).toMatchObject({ dryRun: false, matched: 1, published: 1, failed: 0 });
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]![0]).toEqual([created]);
    expect(orders.markPublished).toHaveBeenCalledWith([created.id], expect.any(Number), 'replay');
  });

  it('lists without publishing on a dry run', async () => {
    // Prepare
    const { created, publish, deps } = setup();

    // Act
    const result = await replayEvents({ eventId: created.id, dryRun: true }, deps);

    // Assess
    expect(result).toMatchObject({ dryRun: true, matched: 1, published: 0 });
    expect(result.events).toEqual([expect.objectContaining({ id: created.id, type: 'order.created' })]);
    expect(publish).not.toHaveBeenCalled();
  });

  it('selects by type and window, asking only the outbox of the service that owns the type', async () => {
    // Prepare
    const { created, orders, inventory, payments, deps } = setup();

    // Act
    const result = await replayEvents({ type: 'order.created', from: '2026-01-01T09:00:00Z', to: '2026-01-01T11:00:00Z', dryRun: true }, deps);

    // Assess
    expect(result.events.map((e) => e.id)).toEqual([created.id]);
    expect(orders.findByType).toHaveBeenCalledTimes(1);
    expect(inventory.findByType).not.toHaveBeenCalled();
    expect(payments.findByType).not.toHaveBeenCalled();
  });
});
