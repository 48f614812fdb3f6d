import { decideRelease, decideReservation, failReservation, type ReservationStatus } from '../../../lib/services/inventory/domain/reservation';
import { A_FIXED_NOW, aCatalogue, anOrderCancelledEvent, anOrderCreatedEvent, aReservation } from '../../steps/given';
import { thenDecided, thenItReactsTo } from '../../steps/then';

const LATER = new Date(A_FIXED_NOW.getTime() + 60_000);

const apple = { productId: 'apple', name: 'Apple', price: 120, stock: 10 };
const pear = { productId: 'pear', name: 'Pear', price: 250, stock: 3 };

describe('decideReservation (step 2: reserve every line or none)', () => {
  it('reserves every line, priced from the catalogue, for an amount of Σ price × quantity', () => {
    // Prepare
    const cause = anOrderCreatedEvent({
      data: { items: [{ productId: 'apple', quantity: 4 }, { productId: 'pear', quantity: 3 }] },
    });
    const { orderId, customerId } = cause.data;

    // Act
    const decision = decideReservation(cause, aCatalogue(apple, pear), undefined, LATER);

    // Assess
    const reserve = thenDecided(decision, 'reserve');
    const items = [
      { productId: 'apple', quantity: 4, unitPrice: 120 },
      { productId: 'pear', quantity: 3, unitPrice: 250 },
    ];
    expect(reserve.reservation).toEqual({
      orderId,
      customerId,
      status: 'RESERVED',
      // The reservation keeps where the units came from (one shard each here); the event does not.
      items: items.map((line) => ({ ...line, from: [{ shard: 0, quantity: line.quantity }] })),
      amount: 4 * 120 + 3 * 250,
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(reserve.events).toHaveLength(1);
    const [event] = reserve.events;
    expect(event).toMatchObject({
      type: 'inventory.reserved',
      source: 'saga.inventory',
      sequence: 1,
      time: LATER.toISOString(),
      data: { orderId, customerId, items, amount: 1230, deadline: cause.data.deadline },
    });
    thenItReactsTo(event, cause, orderId);
  });

  it('refuses to reserve once the saga deadline has passed: a FAILED record, so no later delivery reserves either', () => {
    // Prepare: order.created arrives (a late retry) one second after its deadline.
    const cause = anOrderCreatedEvent({ data: { items: [{ productId: 'apple', quantity: 1 }], deadline: new Date(LATER.getTime() - 1000).toISOString() } });

    // Act
    const decision = decideReservation(cause, aCatalogue(apple), undefined, LATER);
    const redelivered = decideReservation(cause, aCatalogue(apple), thenDecided(decision, 'fail').reservation, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.reservation).toMatchObject({ status: 'FAILED', items: [], amount: 0, reason: expect.stringMatching(/^Saga deadline .* passed$/) });
    expect(fail.events[0]).toMatchObject({ type: 'inventory.reservation.failed', data: { reason: expect.stringMatching(/deadline/) } });
    expect(redelivered).toEqual({ kind: 'ignore', why: 'already FAILED' });
  });

  it('reserves a line that takes exactly the last units in stock', () => {
    // Prepare
    const cause = anOrderCreatedEvent({ data: { items: [{ productId: 'pear', quantity: pear.stock }] } });

    // Act
    const decision = decideReservation(cause, aCatalogue(pear), undefined, LATER);

    // Assess
    const reserve = thenDecided(decision, 'reserve');
    expect(reserve.reservation.items).toEqual([{ productId: 'pear', quantity: 3, unitPrice: 250, from: [{ shard: 0, quantity: 3 }] }]);
  });

  it('prices a free product at 0', () => {
    // Prepare
    const cause = anOrderCreatedEvent({ data: { items: [{ productId: 'gift', quantity: 2 }] } });

    // Act
    const decision = decideReservation(cause, aCatalogue({ productId: 'gift', price: 0, stock: 5 }), undefined, LATER);

    // Assess
    expect(decision).toMatchObject({ kind: 'reserve', reservation: { amount: 0 }, events: [{ data: { amount: 0 } }] });
  });

  it('fails an order for an unknown product with a reason naming it', () => {
    // Prepare
    const cause = anOrderCreatedEvent({
      data: { items: [{ productId: 'apple', quantity: 1 }, { productId: 'durian', quantity: 1 }] },
    });
    const { orderId, customerId } = cause.data;

    // Act
    const decision = decideReservation(cause, aCatalogue(apple, pear), undefined, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.reservation).toEqual({
      orderId,
      customerId,
      status: 'FAILED',
      items: [],
      amount: 0,
      reason: 'Unknown product: durian',
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(fail.events).toHaveLength(1);
    const [event] = fail.events;
    expect(event).toMatchObject({
      type: 'inventory.reservation.failed',
      source: 'saga.inventory',
      sequence: 1,
      data: { orderId, customerId, reason: 'Unknown product: durian' },
    });
    thenItReactsTo(event, cause, orderId);
  });

  it.each([
    ['the only line', [{ productId: 'pear', quantity: 4 }]],
    ['the last of several lines', [{ productId: 'apple', quantity: 2 }, { productId: 'pear', quantity: 4 }]],
    ['the first of several lines', [{ productId: 'pear', quantity: 4 }, { productId: 'apple', quantity: 2 }]],
  ])('fails the whole order, reserving nothing, when stock is short on %s', (_name, items) => {
    // Prepare
    const cause = anOrderCreatedEvent({ data: { items } });

    // Act
    const decision = decideReservation(cause, aCatalogue(apple, pear), undefined, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.reservation).toMatchObject({ status: 'FAILED', items: [], amount: 0, reason: 'Insufficient stock for pear' });
    expect(fail.events).toHaveLength(1);
    expect(fail.events[0]).toMatchObject({ type: 'inventory.reservation.failed', data: { reason: 'Insufficient stock for pear' } });
    thenItReactsTo(fail.events[0], cause, cause.data.orderId);
  });

  it.each<[ReservationStatus, RegExp]>([
    ['RESERVED', /RESERVED/],
    ['FAILED', /FAILED/],
    ['RELEASED', /RELEASED/],
    ['CANCELLED', /cancelled/],
  ])('ignores an order that already has a %s reservation', (status, why) => {
    // Prepare: enough stock, so only the existing record can stop the reservation.
    const cause = anOrderCreatedEvent({ data: { items: [{ productId: 'apple', quantity: 1 }] } });
    const existing = aReservation({ orderId: cause.data.orderId, status, items: [], amount: 0 });

    // Act
    const decision = decideReservation(cause, aCatalogue(apple), existing, LATER);

    // Assess
    const ignore = thenDecided(decision, 'ignore');
    expect(ignore.why).toMatch(why);
    expect(ignore).not.toHaveProperty('events');
  });

  it('explains that a tombstone means the order was cancelled before it reached inventory', () => {
    // Prepare
    const cause = anOrderCreatedEvent({ data: { items: [{ productId: 'apple', quantity: 1 }] } });
    const tombstone = aReservation({ orderId: cause.data.orderId, status: 'CANCELLED', items: [], amount: 0 });

    // Act
    const decision = decideReservation(cause, aCatalogue(apple), tombstone, LATER);

    // Assess
    expect(decision).toEqual({ kind: 'ignore', why: 'order was cancelled before it reached inventory' });
  });
});

describe('failReservation', () => {
  it('records a FAILED reservation and raises inventory.reservation.failed with the reason', () => {
    // Prepare
    const cause = anOrderCreatedEvent();
    const { orderId, customerId } = cause.data;

    // Act
    const decision = failReservation(cause, 'Insufficient stock for product-1', LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.reservation).toEqual({
      orderId,
      customerId,
      status: 'FAILED',
      items: [],
      amount: 0,
      reason: 'Insufficient stock for product-1',
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(fail.events).toHaveLength(1);
    expect(fail.events[0]).toMatchObject({
      type: 'inventory.reservation.failed',
      sequence: 1,
      time: LATER.toISOString(),
      data: { orderId, customerId, reason: 'Insufficient stock for product-1' },
    });
    thenItReactsTo(fail.events[0], cause, orderId);
  });
});

describe('decideRelease (compensation: give back exactly what was reserved)', () => {
  it('releases a RESERVED reservation: exactly the reserved quantities, version + 1', () => {
    // Prepare
    const cause = anOrderCancelledEvent();
    const { orderId } = cause.data;
    const reserved = [
      { productId: 'apple', quantity: 4, unitPrice: 120 },
      { productId: 'pear', quantity: 3, unitPrice: 250 },
    ];
    const existing = aReservation({ orderId, items: reserved, amount: 1230, version: 1 });

    // Act
    const decision = decideRelease(cause, existing, LATER);

    // Assess
    const release = thenDecided(decision, 'release');
    expect(release.previous).toBe(existing);
    expect(release.reservation).toEqual({
      orderId,
      customerId: existing.customerId,
      status: 'RELEASED',
      items: reserved,
      amount: 1230,
      version: 2,
      updatedAt: LATER.toISOString(),
    });
    expect(release.events).toHaveLength(1);
    const [event] = release.events;
    expect(event).toMatchObject({
      type: 'inventory.released',
      source: 'saga.inventory',
      sequence: 2,
      time: LATER.toISOString(),
    });
    expect(event.data).toEqual({
      orderId,
      items: [
        { productId: 'apple', quantity: 4 },
        { productId: 'pear', quantity: 3 },
      ],
    });
    thenItReactsTo(event, cause, orderId);
  });

  it('leaves a CANCELLED tombstone and releases nothing when nothing was reserved yet', () => {
    // Prepare
    const cause = anOrderCancelledEvent({ customerId: 'customer-77' });
    const { orderId } = cause.data;

    // Act
    const decision = decideRelease(cause, undefined, LATER);

    // Assess
    const release = thenDecided(decision, 'release');
    expect(release.previous).toBeUndefined();
    expect(release.reservation).toEqual({
      orderId,
      customerId: 'customer-77',
      status: 'CANCELLED',
      items: [],
      amount: 0,
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(release.events).toHaveLength(1);
    expect(release.events[0]).toMatchObject({ type: 'inventory.released', sequence: 1 });
    expect(release.events[0].data).toEqual({ orderId, items: [] });
    thenItReactsTo(release.events[0], cause, orderId);
  });

  it('turns a FAILED reservation into CANCELLED, releasing nothing and keeping why it failed', () => {
    // Prepare
    const cause = anOrderCancelledEvent();
    const { orderId } = cause.data;
    const existing = aReservation({ orderId, status: 'FAILED', items: [], amount: 0, reason: 'Insufficient stock for pear', version: 1 });

    // Act
    const decision = decideRelease(cause, existing, LATER);

    // Assess
    const release = thenDecided(decision, 'release');
    expect(release.previous).toBe(existing);
    expect(release.reservation).toMatchObject({ status: 'CANCELLED', items: [], amount: 0, reason: 'Insufficient stock for pear', version: 2 });
    expect(release.events).toHaveLength(1);
    expect(release.events[0]).toMatchObject({ type: 'inventory.released', sequence: 2 });
    expect(release.events[0].data).toEqual({ orderId, items: [] });
    thenItReactsTo(release.events[0], cause, orderId);
  });

  it.each<ReservationStatus>(['RELEASED', 'CANCELLED'])('ignores a reservation already %s (a redelivered cancel)', (status) => {
    // Prepare
    const cause = anOrderCancelledEvent();
    const existing = aReservation({ orderId: cause.data.orderId, status, version: 2 });

    // Act
    const decision = decideRelease(cause, existing, LATER);

    // Assess
    expect(decision).toEqual({ kind: 'ignore', why: `already ${status}` });
  });
});
