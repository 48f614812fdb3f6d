import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../../lib/platform/errors';
import type { Order } from '../../../lib/services/orders/domain/order';
import type { SagaState } from '../../../lib/platform/saga/state';
import { causalOrder, describeSaga, type DescribeSagaDeps } from '../../../lib/platform/saga/describe-saga';
import type { DeadLetterRecord, ProcessedRecord, RecordedEvent } from '../../../lib/platform/ports';
import { A_FIXED_NOW, aFixedClock, anOrder } from '../../steps/given';
import { expectToReject } from '../../steps/then';
import { topology } from '../../../lib/services/saga';
import { parseOrderReference } from '../../../lib/services/orders/domain/order';

/** Milliseconds after A_FIXED_NOW, as ISO. */
const at = (ms: number) => new Date(A_FIXED_NOW.getTime() + ms).toISOString();

const anEventRecord = (order: Order, type: string, source: string, opts: { committed: number; published?: number; by?: string; cause?: RecordedEvent; sequence?: number }): RecordedEvent => ({
  id: randomUUID(),
  type,
  source,
  aggregateId: order.orderId,
  sequence: opts.sequence ?? 1,
  correlationId: order.sagaId,
  causationId: opts.cause?.id ?? null,
  committedAt: at(opts.committed),
  ...(opts.published !== undefined ? { publishedAt: at(opts.published), publishedBy: opts.by ?? 'stream' } : {}),
});

const aMarker = (consumer: string, event: RecordedEvent, started: number, processed: number, duplicates = 0): ProcessedRecord => ({
  consumer,
  eventId: event.id,
  startedAt: at(started),
  processedAt: at(processed),
  duplicates,
});

/** A payment failure, compensated: created → reserved → payment.failed → cancelled → released + refunded. */
const aCancelledSaga = () => {
  const order = anOrder({ status: 'CANCELLED', reason: 'Payment failed: Insufficient funds', version: 2 });
  const created = anEventRecord(order, 'order.created', 'saga.orders', { committed: 0, published: 40 });
  const reserved = anEventRecord(order, 'inventory.reserved', 'saga.inventory', { committed: 100, published: 130, cause: created });
  const failed = anEventRecord(order, 'payment.failed', 'saga.payments', { committed: 200, published: 260, by: 'sweeper', cause: reserved });
  const cancelled = anEventRecord(order, 'order.cancelled', 'saga.orders', { committed: 300, published: 320, cause: failed, sequence: 2 });
  const released = anEventRecord(order, 'inventory.released', 'saga.inventory', { committed: 400, published: 430, cause: cancelled, sequence: 2 });
  const refunded = anEventRecord(order, 'payment.refunded', 'saga.payments', { committed: 410, published: 440, cause: cancelled, sequence: 2 });
  const unshipped = anEventRecord(order, 'shipment.cancelled', 'saga.shipping', { committed: 405, published: 435, cause: cancelled, sequence: 2 });
  const markers = [
    aMarker('reserveStock', created, 60, 100, 2),
    aMarker('scheduleShipment', created, 55, 90),
    aMarker('cancelShipment', cancelled, 342, 405),
    aMarker('advanceSaga', unshipped, 445, 460),
    aMarker('chargePayment', reserved, 150, 200),
    aMarker('advanceSaga', reserved, 140, 170),
    aMarker('advanceSaga', failed, 280, 300),
    aMarker('releaseStock', cancelled, 340, 400),
    aMarker('refundPayment', cancelled, 345, 410),
    aMarker('advanceSaga', released, 450, 470),
    // payment.refunded not processed yet: the saga still waits for advanceSaga.
  ];
  const saga: SagaState = {
    sagaId: order.sagaId,
    orderId: order.orderId,
    currentStep: 'CANCELLED',
    steps: { created: { status: 'SUCCESS', timestamp: at(0), eventId: created.id } },
    compensationRequired: true,
    compensationReason: order.reason,
    deadline: order.deadline,
    startedAt: order.createdAt,
    completedAt: at(300),
  };
  const events = { created, reserved, failed, cancelled, released, unshipped, refunded };
  return { order, saga, events, markers };
};

const fakes = (state: { order?: Order; saga?: SagaState; events?: RecordedEvent[]; markers?: ProcessedRecord[]; deadLetters?: DeadLetterRecord[] }, now = A_FIXED_NOW) => {
  const find = jest.fn(async (keys: { consumer: string; eventId: string }[]) =>
    (state.markers ?? []).filter((m) => keys.some((k) => k.consumer === m.consumer && k.eventId === m.eventId)),
  );
  const deps: DescribeSagaDeps = {
    topology,
    parseReference: (input) => parseOrderReference(input, 'describeSaga'),
    keeper: { getOrder: async () => state.order, getSaga: async () => state.saga },
    // Shuffled: the outboxes answer in no particular order across services.
    events: { eventsOf: async () => [...(state.events ?? [])].reverse() },
    processed: { find },
    deadLetters: { findByAggregate: async () => state.deadLetters ?? [] },
    clock: aFixedClock(now),
  };
  return { deps, find };
};

describe('describeSaga', () => {
  it('lists every event of a compensated saga in causal order with its producer, publication path and consumers', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const { deps } = fakes({ order, saga, events: Object.values(events), markers });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.events.map((e) => e.type)).toEqual(['order.created', 'inventory.reserved', 'payment.failed', 'order.cancelled', 'inventory.released', 'shipment.cancelled', 'payment.refunded']);
    expect(timeline).toMatchObject({ orderId: order.orderId, sagaId: order.sagaId, status: 'CANCELLED', reason: order.reason, durationMs: 300, compensation: { required: true, reason: order.reason } });
    const failed = timeline.events[2]!;
    expect(failed).toMatchObject({ producer: 'payments', publishedBy: 'sweeper', outboxLagMs: 60, committedAt: at(200), publishedAt: at(260) });
    expect(failed.consumers).toEqual([
      { consumer: 'advanceSaga', service: 'orders', status: 'processed', startedAt: at(280), processedAt: at(300), deliveryMs: 20, processingMs: 20, duplicatesSkipped: 0 },
    ]);
    expect(timeline.events[3]!.consumers.map((c) => c.consumer)).toEqual(['releaseStock', 'refundPayment', 'cancelShipment']);
  });

  it('measures each hop from the cause committed to the effect committed, through the consumer that raised it', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const { deps } = fakes({ order, saga, events: Object.values(events), markers });

    // Act
    const { hops } = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(hops.map((h) => `${h.from.type} -${h.via}-> ${h.to.type} ${h.latencyMs}`)).toEqual([
      'order.created -reserveStock-> inventory.reserved 100',
      'inventory.reserved -chargePayment-> payment.failed 100',
      'payment.failed -advanceSaga-> order.cancelled 100',
      'order.cancelled -releaseStock-> inventory.released 100',
      'order.cancelled -cancelShipment-> shipment.cancelled 105',
      'order.cancelled -refundPayment-> payment.refunded 110',
    ]);
    expect(hops[0]).toMatchObject({ outboxLagMs: 40, deliveryMs: 20, processingMs: 40 });
  });

  it('says what an unfinished saga waits for: a consumer without a marker, an unpublished event', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const stuck = { ...events.refunded, publishedAt: undefined, publishedBy: undefined };
    const { deps } = fakes({ order, saga, events: [...Object.values(events).filter((e) => e !== events.refunded), stuck], markers });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.finished).toBe(false);
    expect(timeline.waitingFor).toEqual([
      expect.objectContaining({ kind: 'publication', eventId: stuck.id, type: 'payment.refunded', since: stuck.committedAt, what: 'the payments outbox relay to publish payment.refunded' }),
    ]);
  });

  it('is finished once the order ended and every subscribed consumer processed every event', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const all = [...markers, aMarker('advanceSaga', events.refunded, 460, 480)];
    const { deps } = fakes({ order, saga, events: Object.values(events), markers: all });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.waitingFor).toEqual([]);
    expect(timeline.finished).toBe(true);
  });

  it('is not finished while the event committed with the order’s last change is not visible yet', async () => {
    // Prepare: the order already reads CANCELLED (version 2), the outbox query ran a moment earlier.
    const { order, saga, events, markers } = aCancelledSaga();
    const { deps } = fakes({ order, saga, events: [events.created, events.reserved, events.failed], markers });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.finished).toBe(false);
    expect(timeline.waitingFor).toEqual([expect.objectContaining({ kind: 'record', sequence: 2 })]);
  });

  it('reads the events again when a marker vouches for an event the first read missed', async () => {
    // Prepare: the first outbox read misses the compensation events, committed with their markers a moment later.
    const { order, saga, events, markers } = aCancelledSaga();
    const { deps, find } = fakes({ order, saga, markers });
    const early = [events.created, events.reserved, events.failed, events.cancelled];
    const eventsOf = jest.fn(async () => Object.values(events));
    eventsOf.mockResolvedValueOnce(early);
    deps.events = { eventsOf };

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.events).toHaveLength(7);
    expect(find).toHaveBeenCalledTimes(2);
    expect(timeline.events.find((e) => e.type === 'inventory.released')!.consumers[0]!.status).toBe('processed');
  });

  it('asks for exactly the markers the subscriptions call for, and counts the duplicates they recorded', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const { deps, find } = fakes({ order, saga, events: Object.values(events), markers });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    const asked = find.mock.calls[0]![0].map((k) => `${k.consumer} ${k.eventId === events.created.id ? 'created' : k.eventId === events.cancelled.id ? 'cancelled' : 'other'}`);
    expect(asked).toEqual(expect.arrayContaining(['reserveStock created', 'releaseStock cancelled', 'refundPayment cancelled']));
    expect(asked).toHaveLength(2 + 2 + 1 + 3 + 1 + 1 + 1);
    expect(timeline.duplicatesSkipped).toBe(2);
    expect(timeline.events[0]!.consumers[0]!.duplicatesSkipped).toBe(2);
    expect(timeline.waitingFor).toEqual([expect.objectContaining({ kind: 'consumer', consumer: 'advanceSaga', type: 'payment.refunded', what: 'advanceSaga (orders) to process payment.refunded' })]);
  });

  it('shows the dead letters filed under the order', async () => {
    // Prepare
    const { order, saga, events, markers } = aCancelledSaga();
    const letter: DeadLetterRecord = { id: randomUUID(), consumer: 'chargePayment', reason: 'Unsupported version 2 of "inventory.reserved"', at: at(500), eventId: randomUUID(), eventType: 'inventory.reserved' };
    const { deps } = fakes({ order, saga, events: Object.values(events), markers, deadLetters: [letter] });

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline.deadLetters).toEqual([letter]);
  });

  it('waits for the watchdog when a pending saga is past its deadline', async () => {
    // Prepare
    const order = anOrder({ deadline: at(1000) });
    const created = anEventRecord(order, 'order.created', 'saga.orders', { committed: 0, published: 40 });
    const { deps } = fakes({ order, events: [created], markers: [aMarker('reserveStock', created, 50, 90), aMarker('scheduleShipment', created, 50, 95)] }, new Date(A_FIXED_NOW.getTime() + 5000));

    // Act
    const timeline = await describeSaga({ orderId: order.orderId }, deps);

    // Assess
    expect(timeline).toMatchObject({ status: 'PENDING', finished: false, durationMs: 5000 });
    expect(timeline.waitingFor).toEqual([{ kind: 'watchdog', since: order.deadline, what: `the saga watchdog: the deadline ${order.deadline} has passed` }]);
  });

  it('refuses a request without a well-formed order id, and answers NotFound for an unknown order', async () => {
    // Prepare
    const { deps } = fakes({});

    // Act
    const invalid = await expectToReject(() => describeSaga({ orderId: 'a b' }, deps), ValidationError);
    const unknown = await expectToReject(() => describeSaga({ orderId: 'no-such-order' }, deps), NotFoundError);

    // Assess
    expect(invalid.details.map((d) => d.path)).toEqual(['orderId']);
    expect(unknown.message).toBe('Order no-such-order not found');
  });
});

describe('causalOrder', () => {
  it('puts an effect after its cause even when its clock says it came first', () => {
    // Prepare
    const cause = { id: 'a', causationId: null, committedAt: at(100), sequence: 1 };
    const effect = { id: 'b', causationId: 'a', committedAt: at(90), sequence: 1 };
    const unrelated = { id: 'c', causationId: null, committedAt: at(95), sequence: 1 };

    // Act
    const ordered = causalOrder([effect, unrelated, cause]);

    // Assess
    expect(ordered.map((e) => e.id)).toEqual(['c', 'a', 'b']);
  });
});
