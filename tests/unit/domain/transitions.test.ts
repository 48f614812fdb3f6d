import type { OrderStatus } from '../../../lib/services/orders/domain/order';
import { reactToSagaEvent, timeOut, TIMEOUT_REASON, type OrderSagaEvent } from '../../../lib/services/orders/domain/transitions';
import { A_FIXED_NOW, anOrder, aSagaEventFor } from '../../steps/given';
import { thenItReactsTo } from '../../steps/then';
import { parseEnvelope } from '../../../lib/services/contracts';

const LATER = new Date(A_FIXED_NOW.getTime() + 60_000);
/** An order that has already emitted a few events, so that "version as read" and "version + 1" differ from 1 and 2. */
const READ_VERSION = 3;

type SagaEventType = OrderSagaEvent['type'];
type StepName = string;
const recorded: Record<SagaEventType, { step: StepName; status: 'SUCCESS' | 'FAILED' }> = {
  'inventory.reserved': { step: 'inventoryReservation', status: 'SUCCESS' },
  'inventory.reservation.failed': { step: 'inventoryReservation', status: 'FAILED' },
  'payment.succeeded': { step: 'paymentProcessing', status: 'SUCCESS' },
  'payment.failed': { step: 'paymentProcessing', status: 'FAILED' },
  'inventory.released': { step: 'inventoryRelease', status: 'SUCCESS' },
  'payment.refunded': { step: 'paymentRefund', status: 'SUCCESS' },
  'shipment.scheduled': { step: 'shipmentBooking', status: 'SUCCESS' },
  'shipment.failed': { step: 'shipmentBooking', status: 'FAILED' },
  'shipment.cancelled': { step: 'shipmentCancellation', status: 'SUCCESS' },
};
const allTypes = Object.keys(recorded) as SagaEventType[];

describe('reactToSagaEvent on a PENDING order', () => {
  it('records inventory.reserved and moves the saga to INVENTORY_RESERVED, leaving the order alone', () => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, 'inventory.reserved', { amount: 4500 });

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction).toEqual({
      expectedVersion: READ_VERSION,
      saga: {
        sagaId: order.sagaId,
        steps: { inventoryReservation: { status: 'SUCCESS', timestamp: LATER.toISOString(), eventId: cause.id, detail: { amount: 4500 } } },
        currentStep: 'INVENTORY_RESERVED',
      },
      events: [],
    });
  });

  it('records payment.succeeded and moves the saga to PAYMENT_PROCESSED: the order waits for its shipment', () => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, 'payment.succeeded', { amount: 4500 });

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction.order).toBeUndefined();
    expect(reaction.events).toEqual([]);
    expect(reaction.saga).toEqual({
      sagaId: order.sagaId,
      steps: { paymentProcessing: { status: 'SUCCESS', timestamp: LATER.toISOString(), eventId: cause.id, detail: { amount: 4500 } } },
      currentStep: 'PAYMENT_PROCESSED',
    });
  });

  it('cancels on shipment.failed with the carrier\'s reason, and compensates every step', () => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, 'shipment.failed');

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction.order).toMatchObject({ status: 'CANCELLED', reason: 'Shipment failed: No carrier delivers to AQ' });
    expect(reaction.events.map((e) => e.type)).toEqual(['order.cancelled']);
    expect(reaction.saga).toMatchObject({ currentStep: 'CANCELLED', awaitsCompensation: true, steps: { shipmentBooking: { status: 'FAILED', error: 'No carrier delivers to AQ' } } });
  });

  it('confirms on shipment.scheduled (the last step) with the amount charged, raising order.confirmed as version + 1 and finishing the saga', () => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, 'shipment.scheduled', { amount: 4500 });

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction.expectedVersion).toBe(READ_VERSION);
    expect(reaction.order).toEqual({ ...order, status: 'CONFIRMED', amount: 4500, version: READ_VERSION + 1, updatedAt: LATER.toISOString() });
    expect(reaction.events).toHaveLength(1);
    const [event] = reaction.events;
    expect(event).toMatchObject({ type: 'order.confirmed', source: 'saga.orders', sequence: READ_VERSION + 1, time: LATER.toISOString() });
    expect(event!.data).toEqual({ orderId: order.orderId, customerId: order.customerId, amount: 4500 });
    thenItReactsTo(event!, cause, order.orderId);
    expect(reaction.saga).toEqual({
      sagaId: order.sagaId,
      steps: {
        shipmentBooking: { status: 'SUCCESS', timestamp: LATER.toISOString(), eventId: cause.id, detail: { country: 'DE', carrier: 'demo-parcel', shipmentId: `shp-${order.orderId}` } },
        confirmation: { status: 'SUCCESS', timestamp: LATER.toISOString(), eventId: event!.id },
      },
      currentStep: 'CONFIRMED',
      // Watched until every consumer of order.confirmed has processed it.
      awaitsDelivery: true,
      finished: true,
      completedAt: LATER.toISOString(),
    });
    expect(reaction.saga.compensationReason).toBeUndefined();
  });

  it.each([
    ['inventory.reservation.failed', 'inventoryReservation', 'Insufficient stock for product-1', 'Inventory reservation failed: Insufficient stock for product-1'],
    ['payment.failed', 'paymentProcessing', 'Insufficient funds', 'Payment failed: Insufficient funds'],
  ] as const)('cancels on %s with a human reason, raising order.cancelled as version + 1', (type, step, failure, reason) => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, type, { reason: failure });

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction.expectedVersion).toBe(READ_VERSION);
    expect(reaction.order).toEqual({ ...order, status: 'CANCELLED', reason, version: READ_VERSION + 1, updatedAt: LATER.toISOString() });
    expect(reaction.events).toHaveLength(1);
    const [event] = reaction.events;
    expect(event).toMatchObject({ type: 'order.cancelled', source: 'saga.orders', sequence: READ_VERSION + 1, time: LATER.toISOString() });
    expect(event!.data).toEqual({ orderId: order.orderId, customerId: order.customerId, reason });
    thenItReactsTo(event!, cause, order.orderId);
    expect(reaction.saga).toEqual({
      sagaId: order.sagaId,
      steps: {
        [step]: { status: 'FAILED', timestamp: LATER.toISOString(), eventId: cause.id, error: failure },
        cancellation: { status: 'SUCCESS', timestamp: LATER.toISOString(), eventId: event!.id, detail: { reason } },
      },
      currentStep: 'CANCELLED',
      compensationReason: reason,
      awaitsCompensation: true,
      finished: true,
      completedAt: LATER.toISOString(),
    });
  });

  it.each([
    ['inventory.released', { inventoryRelease: { status: 'SUCCESS', detail: { items: [{ productId: 'product-1', quantity: 2 }] } } }],
    ['payment.refunded', { paymentRefund: { status: 'SUCCESS', detail: { amount: 3000 } } }],
  ] as const)('only records %s (a compensation step) without moving the current step', (type, steps) => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const cause = aSagaEventFor(order, type);

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    expect(reaction.order).toBeUndefined();
    expect(reaction.events).toEqual([]);
    expect(reaction.expectedVersion).toBe(READ_VERSION);
    expect(reaction.saga).toMatchObject({ sagaId: order.sagaId, steps });
    expect(reaction.saga).not.toHaveProperty('currentStep');
    expect(reaction.saga).not.toHaveProperty('finished');
  });
});

describe.each<OrderStatus>(['CONFIRMED', 'CANCELLED'])('reactToSagaEvent on a %s order', (status) => {
  it.each(allTypes)('only records %s in the trail: no change to the order, no event, no move of the current step', (type) => {
    // Prepare
    const order = anOrder({ status, version: READ_VERSION, ...(status === 'CONFIRMED' ? { amount: 3000 } : { reason: 'Saga timed out' }) });
    const cause = aSagaEventFor(order, type);

    // Act
    const reaction = reactToSagaEvent(order, cause, LATER);

    // Assess
    const { step, status: stepStatus } = recorded[type];
    expect(reaction.expectedVersion).toBe(READ_VERSION);
    expect(reaction.order).toBeUndefined();
    expect(reaction.events).toEqual([]);
    expect(reaction.saga).toEqual({
      sagaId: order.sagaId,
      steps: { [step]: expect.objectContaining({ status: stepStatus, timestamp: LATER.toISOString(), eventId: cause.id }) },
    });
  });
});

describe('reactToSagaEvent, whatever the order state', () => {
  it.each(allTypes.flatMap((type) => (['PENDING', 'CONFIRMED', 'CANCELLED'] as const).map((status) => [type, status] as const)))(
    'guards the writes of %s on a %s order with the version as read',
    (type, status) => {
      // Prepare
      const order = anOrder({ status, version: 7 });

      // Act
      const reaction = reactToSagaEvent(order, aSagaEventFor(order, type), LATER);

      // Assess
      expect(reaction.expectedVersion).toBe(7);
      expect(reaction.saga.sagaId).toBe(order.sagaId);
    },
  );
});

describe('timeOut (the watchdog rule)', () => {
  it('cancels a PENDING order past its deadline with "Saga timed out", caused by no event', () => {
    // Prepare
    const order = anOrder({ version: READ_VERSION });
    const now = new Date(Date.parse(order.deadline) + 1);

    // Act
    const reaction = timeOut(order, now);

    // Assess
    expect(reaction).toBeDefined();
    expect(reaction!.expectedVersion).toBe(READ_VERSION);
    expect(reaction!.order).toEqual({ ...order, status: 'CANCELLED', reason: TIMEOUT_REASON, version: READ_VERSION + 1, updatedAt: now.toISOString() });
    expect(TIMEOUT_REASON).toBe('Saga timed out');
    expect(reaction!.events).toHaveLength(1);
    const [event] = reaction!.events;
    expect(event).toMatchObject({
      type: 'order.cancelled',
      aggregateId: order.orderId,
      correlationId: order.sagaId,
      causationId: null,
      sequence: READ_VERSION + 1,
      data: { orderId: order.orderId, customerId: order.customerId, reason: 'Saga timed out' },
    });
    expect(parseEnvelope(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(reaction!.saga).toEqual({
      sagaId: order.sagaId,
      steps: {
        timeout: { status: 'FAILED', timestamp: now.toISOString(), eventId: 'watchdog', error: `Deadline ${order.deadline} passed` },
        cancellation: { status: 'SUCCESS', timestamp: now.toISOString(), eventId: event!.id, detail: { reason: 'Saga timed out' } },
      },
      currentStep: 'CANCELLED',
      compensationReason: 'Saga timed out',
      awaitsCompensation: true,
      finished: true,
      completedAt: now.toISOString(),
    });
  });

  it('leaves a PENDING order before its deadline alone', () => {
    // Prepare
    const order = anOrder();
    const now = new Date(Date.parse(order.deadline) - 1);

    // Act
    const reaction = timeOut(order, now);

    // Assess
    expect(reaction).toBeUndefined();
  });

  it.each<OrderStatus>(['CONFIRMED', 'CANCELLED'])('leaves a %s order alone, however late', (status) => {
    // Prepare
    const order = anOrder({ status });
    const now = new Date(Date.parse(order.deadline) + 24 * 60 * 60 * 1000);

    // Act
    const reaction = timeOut(order, now);

    // Assess
    expect(reaction).toBeUndefined();
  });
});
