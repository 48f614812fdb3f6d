import { decideCharge, decideRefund, failCharge, type PaymentStatus } from '../../../lib/services/payments/domain/payment';
import { A_FIXED_NOW, anInventoryReservedEvent, anOrderCancelledEvent, aPayment } from '../../steps/given';
import { thenDecided, thenItReactsTo } from '../../steps/then';

const LATER = new Date(A_FIXED_NOW.getTime() + 60_000);

describe('decideCharge (step 3: charge what inventory priced)', () => {
  it('charges the amount when the balance covers it', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ customerId: 'customer-9', amount: 3000 });
    const { orderId } = cause.data;

    // Act
    const decision = decideCharge(cause, { customerId: 'customer-9', balance: 10_000 }, undefined, LATER);

    // Assess
    const charge = thenDecided(decision, 'charge');
    expect(charge.payment).toEqual({
      orderId,
      customerId: 'customer-9',
      status: 'CHARGED',
      amount: 3000,
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(charge.events).toHaveLength(1);
    const [event] = charge.events;
    expect(event).toMatchObject({ type: 'payment.succeeded', source: 'saga.payments', sequence: 1, time: LATER.toISOString() });
    expect(event.data).toEqual({ orderId, customerId: 'customer-9', amount: 3000 });
    thenItReactsTo(event, cause, orderId);
  });

  it('charges when the balance is exactly the amount', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ amount: 3000 });

    // Act
    const decision = decideCharge(cause, { customerId: 'customer-123', balance: 3000 }, undefined, LATER);

    // Assess
    const charge = thenDecided(decision, 'charge');
    expect(charge.payment).toMatchObject({ status: 'CHARGED', amount: 3000 });
  });

  it('fails for a customer without an account, saying so', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ customerId: 'customer-ghost', amount: 3000 });
    const { orderId } = cause.data;

    // Act
    const decision = decideCharge(cause, undefined, undefined, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.payment).toEqual({
      orderId,
      customerId: 'customer-ghost',
      status: 'FAILED',
      amount: 0,
      reason: 'Unknown customer account: customer-ghost',
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(fail.events).toHaveLength(1);
    expect(fail.events[0]).toMatchObject({ type: 'payment.failed', source: 'saga.payments', sequence: 1 });
    expect(fail.events[0].data).toEqual({ orderId, customerId: 'customer-ghost', amount: 3000, reason: 'Unknown customer account: customer-ghost' });
    thenItReactsTo(fail.events[0], cause, orderId);
  });

  it('fails with "Insufficient funds" when the balance is one cent short, charging nothing', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ amount: 3000 });
    const { orderId } = cause.data;

    // Act
    const decision = decideCharge(cause, { customerId: 'customer-123', balance: 2999 }, undefined, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.payment).toMatchObject({ status: 'FAILED', amount: 0, reason: 'Insufficient funds' });
    expect(fail.events[0].data).toEqual({ orderId, customerId: 'customer-123', amount: 3000, reason: 'Insufficient funds' });
    thenItReactsTo(fail.events[0], cause, orderId);
  });

  it.each<[PaymentStatus, string]>([
    ['CHARGED', 'already CHARGED'],
    ['FAILED', 'already FAILED'],
    ['REFUNDED', 'already REFUNDED'],
    ['CANCELLED', 'order was cancelled before it reached payments'],
  ])('ignores an order whose payment is already %s', (status, why) => {
    // Prepare: the balance covers the amount, so only the existing record can stop the charge.
    const cause = anInventoryReservedEvent();
    const existing = aPayment({ orderId: cause.data.orderId, status });

    // Act
    const decision = decideCharge(cause, { customerId: 'customer-123', balance: 1_000_000 }, existing, LATER);

    // Assess
    expect(decision).toEqual({ kind: 'ignore', why });
  });
});

describe('decideCharge after the saga deadline', () => {
  it('refuses to charge once the deadline carried by inventory.reserved (version 2) has passed', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ deadline: new Date(LATER.getTime() - 1).toISOString() });

    // Act
    const decision = decideCharge(cause, { customerId: 'customer-123', balance: 1_000_000 }, undefined, LATER);

    // Assess
    const fail = thenDecided(decision, 'fail');
    expect(fail.payment).toMatchObject({ status: 'FAILED', amount: 0, reason: expect.stringMatching(/^Saga deadline .* passed$/) });
    expect(fail.events[0]).toMatchObject({ type: 'payment.failed' });
  });

  it('charges before the deadline, and charges an event without one (version 1, upcast) as before', () => {
    // Prepare
    const inTime = anInventoryReservedEvent({ deadline: new Date(LATER.getTime() + 1000).toISOString() });
    const noDeadline = anInventoryReservedEvent();

    // Act
    const decisions = [inTime, noDeadline].map((cause) => decideCharge(cause, { customerId: 'customer-123', balance: 1_000_000 }, undefined, LATER));

    // Assess
    expect(decisions.map((d) => d.kind)).toEqual(['charge', 'charge']);
  });
});

describe('failCharge', () => {
  it('records a FAILED payment of 0 and raises payment.failed carrying the amount asked', () => {
    // Prepare
    const cause = anInventoryReservedEvent({ amount: 4200 });
    const { orderId, customerId } = cause.data;

    // Act
    const decision = failCharge(cause, 'Insufficient funds', LATER);

    // Assess
    expect(decision.payment).toEqual({ orderId, customerId, status: 'FAILED', amount: 0, reason: 'Insufficient funds', version: 1, updatedAt: LATER.toISOString() });
    expect(decision.events[0].data).toEqual({ orderId, customerId, amount: 4200, reason: 'Insufficient funds' });
    thenItReactsTo(decision.events[0], cause, orderId);
  });
});

describe('decideRefund (compensation: refund exactly what was charged)', () => {
  it('refunds a CHARGED payment in full: REFUNDED, refund = amount, version + 1', () => {
    // Prepare
    const cause = anOrderCancelledEvent({ customerId: 'customer-5' });
    const { orderId } = cause.data;
    const existing = aPayment({ orderId, customerId: 'customer-5', status: 'CHARGED', amount: 3000, version: 1 });

    // Act
    const decision = decideRefund(cause, existing, LATER);

    // Assess
    const refund = thenDecided(decision, 'refund');
    expect(refund.refund).toBe(3000);
    expect(refund.previous).toBe(existing);
    expect(refund.payment).toEqual({
      orderId,
      customerId: 'customer-5',
      status: 'REFUNDED',
      amount: 3000,
      version: 2,
      updatedAt: LATER.toISOString(),
    });
    expect(refund.events).toHaveLength(1);
    expect(refund.events[0]).toMatchObject({ type: 'payment.refunded', source: 'saga.payments', sequence: 2, time: LATER.toISOString() });
    expect(refund.events[0].data).toEqual({ orderId, customerId: 'customer-5', amount: 3000 });
    thenItReactsTo(refund.events[0], cause, orderId);
  });

  it('leaves a CANCELLED tombstone and refunds 0 when nothing was charged yet', () => {
    // Prepare
    const cause = anOrderCancelledEvent({ customerId: 'customer-6' });
    const { orderId } = cause.data;

    // Act
    const decision = decideRefund(cause, undefined, LATER);

    // Assess
    const refund = thenDecided(decision, 'refund');
    expect(refund.refund).toBe(0);
    expect(refund.previous).toBeUndefined();
    expect(refund.payment).toEqual({
      orderId,
      customerId: 'customer-6',
      status: 'CANCELLED',
      amount: 0,
      version: 1,
      updatedAt: LATER.toISOString(),
    });
    expect(refund.events[0]).toMatchObject({ type: 'payment.refunded', sequence: 1 });
    expect(refund.events[0].data).toEqual({ orderId, customerId: 'customer-6', amount: 0 });
    thenItReactsTo(refund.events[0], cause, orderId);
  });

  it('turns a FAILED payment into CANCELLED and refunds 0, keeping why it failed', () => {
    // Prepare
    const cause = anOrderCancelledEvent();
    const { orderId } = cause.data;
    const existing = aPayment({ orderId, status: 'FAILED', amount: 0, reason: 'Insufficient funds', version: 1 });

    // Act
    const decision = decideRefund(cause, existing, LATER);

    // Assess
    const refund = thenDecided(decision, 'refund');
    expect(refund.refund).toBe(0);
    expect(refund.previous).toBe(existing);
    expect(refund.payment).toMatchObject({ status: 'CANCELLED', amount: 0, reason: 'Insufficient funds', version: 2 });
    expect(refund.events[0].data).toMatchObject({ orderId, amount: 0 });
    thenItReactsTo(refund.events[0], cause, orderId);
  });

  it.each<PaymentStatus>(['REFUNDED', 'CANCELLED'])('ignores a payment already %s (a redelivered cancel)', (status) => {
    // Prepare
    const cause = anOrderCancelledEvent();
    const existing = aPayment({ orderId: cause.data.orderId, status, version: 2 });

    // Act
    const decision = decideRefund(cause, existing, LATER);

    // Assess
    expect(decision).toEqual({ kind: 'ignore', why: `already ${status}` });
  });
});
