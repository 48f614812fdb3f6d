import { aCustomer, anEvent, aProduct } from '../steps/given';
import { invokeFunction, invokeLocal, placeOrder, putOnBus } from '../steps/when';
import { eventually, orderSettles, sagaFinishes } from '../steps/then';
import type { SagaTimeline } from '../../lib/platform/saga/describe-saga';

const isoOrder = (...times: (string | undefined)[]) => times.every((t, i) => i === 0 || Date.parse(times[i - 1]!) <= Date.parse(t!));

describe('describeSaga on the running stack', () => {
  it('tells the whole story of a compensated saga: every event, who processed it and when, the hops, the outcome', async () => {
    // Prepare: stock is reserved, the charge fails, the reservation is released again.
    const productId = await aProduct({ stock: 5, price: 4900 });
    const customerId = await aCustomer(0);
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 1 }] });

    // Act
    const timeline = await sagaFinishes(body.orderId);

    // Assess
    expect(timeline).toMatchObject({ orderId: body.orderId, status: 'CANCELLED', reason: 'Payment failed: Insufficient funds', currentStep: 'CANCELLED', finished: true, waitingFor: [], deadLetters: [] });
    expect(timeline.compensation).toEqual({ required: true, reason: 'Payment failed: Insufficient funds' });
    const types = timeline.events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['order.created', 'inventory.reserved', 'payment.failed', 'order.cancelled']);
    expect(types.slice(4).sort()).toEqual(['inventory.released', 'payment.refunded', 'shipment.cancelled']);
    for (const event of timeline.events) {
      expect(event.publishedBy).toBe('stream');
      expect(isoOrder(event.committedAt, event.publishedAt)).toBe(true);
      for (const consumer of event.consumers) {
        expect(consumer.status).toBe('processed');
        expect(isoOrder(consumer.startedAt, consumer.processedAt)).toBe(true);
      }
    }
    expect(timeline.events.find((e) => e.type === 'order.cancelled')!.consumers.map((c) => c.consumer)).toEqual(['releaseStock', 'refundPayment', 'cancelShipment']);
    expect(timeline.hops.map((h) => `${h.from.type} ${h.via} ${h.to.type}`).sort()).toEqual(
      [
        'order.created reserveStock inventory.reserved',
        'inventory.reserved chargePayment payment.failed',
        'payment.failed advanceSaga order.cancelled',
        'order.cancelled releaseStock inventory.released',
        'order.cancelled refundPayment payment.refunded',
        'order.cancelled cancelShipment shipment.cancelled',
      ].sort(),
    );
    expect(timeline.hops.every((h) => h.latencyMs >= 0)).toBe(true);
  });

  it('answers the same through the real CLI, `serverless invoke local`', async () => {
    // Prepare
    const { body } = await placeOrder({ customerId: 'customer-123', items: [{ productId: 'product-out-of-stock', quantity: 1 }] });
    const viaLambda = await sagaFinishes(body.orderId);

    // Act
    const viaCli = await invokeLocal<SagaTimeline>('describeSaga', { orderId: body.orderId });

    // Assess
    expect(viaCli).toEqual(viaLambda);
    expect(viaCli.events.map((e) => e.type).slice(0, 3)).toEqual(['order.created', 'inventory.reservation.failed', 'order.cancelled']);
  });

  it('counts re-deliveries skipped as duplicates, and shows dead letters filed under the order', async () => {
    // Prepare: a confirmed saga.
    const productId = await aProduct({ stock: 5, price: 1000 });
    const customerId = await aCustomer(100_000);
    const order = await orderSettles((await placeOrder({ customerId, items: [{ productId, quantity: 1 }] })).body.orderId);
    const before = await sagaFinishes(order.orderId);
    const created = before.events[0]!;

    // Act: every event re-delivered once, and one event in a schema version nobody knows.
    await invokeFunction('replayEvents', { orderId: order.orderId });
    const poison = anEvent({ type: 'payment.refunded', aggregateId: order.orderId, sequence: 9, correlationId: order.sagaId, causationId: null, data: { orderId: order.orderId, customerId, amount: 0 } });
    await putOnBus([{ ...poison, version: 2 } as never]);

    // Assess
    const after = await eventually(
      async () => {
        const t = await invokeFunction<SagaTimeline>('describeSaga', { orderId: order.orderId });
        return t.duplicatesSkipped >= 5 && t.deadLetters.length === 1 ? t : undefined;
      },
      { what: 'duplicates and the dead letter to be recorded' },
    );
    expect(before.duplicatesSkipped).toBe(0);
    expect(after.status).toBe('CONFIRMED');
    // order.created (2 consumers), inventory.reserved (2), payment.succeeded (2), shipment.scheduled,
    // order.confirmed: 8 markers, each re-delivered once.
    expect(after.duplicatesSkipped).toBe(8);
    expect(after.events[0]).toMatchObject({ id: created.id, publishedAt: created.publishedAt, publishedBy: 'stream' });
    expect(after.deadLetters[0]).toMatchObject({ consumer: 'advanceSaga', reason: 'Unsupported version 2 of "payment.refunded"', eventId: poison.id, eventType: 'payment.refunded' });
  });

  it('refuses a request without an order id, and names an unknown order', async () => {
    // Act
    const missing = invokeFunction('describeSaga', {});
    const unknown = invokeFunction('describeSaga', { orderId: 'no-such-order' });

    // Assess
    await expect(missing).rejects.toThrow(/Invalid describeSaga request: orderId is required/);
    await expect(unknown).rejects.toThrow(/Order no-such-order not found/);
  });
});
