import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { toOutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import { watchShardOf } from '../../lib/services/orders/adapters/orders-repository';
import { aCustomer, anEvent, aProduct } from '../steps/given';
import { fetchSaga, invokeFunction, placeOrder, putOnBus, sleep } from '../steps/when';
import { balanceOf, eventually, orderSettles, pointsOf, sagaHasSteps, stockOf } from '../steps/then';
import { ddb, getItem, table } from '../steps/local-aws';

const put = (logicalId: string, item: object) =>
  ddb().send(new PutItemCommand({ TableName: table(logicalId), Item: marshall(item, { removeUndefinedValues: true }) }));

/**
 * An order cancelled five minutes ago (3 × `productId` at 1000 for `customerId`): its
 * `order.cancelled` committed and published, its saga watched for the compensation and due now.
 * What the participants did about it is up to each test.
 */
const aCancellationAwaitingCompensation = async (opts: { productId: string; customerId: string; reason: string }) => {
  const { productId, customerId, reason } = opts;
  const orderId = randomUUID();
  const sagaId = randomUUID();
  const createdAt = new Date(Date.now() - 600_000).toISOString();
  const cancelledAt = new Date(Date.now() - 300_000);
  const cancelled = anEvent(
    { type: 'order.cancelled', aggregateId: orderId, sequence: 2, correlationId: sagaId, causationId: null, data: { orderId, customerId, reason } },
    cancelledAt,
  );
  await put('OrdersOutboxTable', { ...toOutboxRow(cancelled), pendingShard: undefined, publishedAt: cancelledAt.getTime() });
  await put('OrdersTable', { orderId, customerId, items: [{ productId, quantity: 3 }], status: 'CANCELLED', reason, sagaId, createdAt, updatedAt: cancelledAt.toISOString(), deadline: cancelledAt.toISOString(), version: 2 });
  await put('SagaStateTable', {
    sagaId,
    orderId,
    currentStep: 'CANCELLED',
    steps: { cancellation: { status: 'SUCCESS', timestamp: cancelledAt.toISOString(), eventId: cancelled.id } },
    compensationRequired: true,
    compensationReason: reason,
    deadline: cancelledAt.toISOString(),
    startedAt: createdAt,
    completedAt: cancelledAt.toISOString(),
    watchShard: watchShardOf(sagaId),
    watchAt: new Date(Date.now() - 1_000).toISOString(),
    watchKind: 'COMPENSATING',
  });
  return { orderId, sagaId, createdAt, cancelledAt, cancelled };
};

type Watchdog = { cancelled: number; redriven: number; compensated: number; delivered: number; failed: number; complete: boolean };

/**
 * Runs the watchdog a second apart until it finishes the saga: `compensatedAt` (both compensation
 * steps recorded) or `deliveredAt` (order.confirmed processed by every consumer). The saga's item as stored.
 */
const watchdogFinishes = (sagaId: string, mark: 'compensatedAt' | 'deliveredAt') =>
  eventually(
    async () => {
      await invokeFunction<Watchdog>('sagaWatchdog', {});
      const item = await getItem<Record<string, unknown>>('SagaStateTable', { sagaId });
      return item?.[mark] ? item : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1_000, what: `the watchdog to set ${mark}` },
  );

/**
 * A cancellation whose compensation never ran: `order.cancelled` was committed and published, but
 * releaseStock and refundPayment failed past every retry (Lambda's two retries, then the failure
 * queue), which the emulators cannot produce on demand. So the state is seeded exactly as it is
 * left then: order CANCELLED, saga watched for its compensation, stock still reserved, money
 * still taken, the outbox row marked published.
 */
describe('compensation is re-driven until it is recorded', () => {
  it('re-publishes the stored order.cancelled (same envelope id) after its consumers gave up; stock and money come back; the saga then finishes', async () => {
    // Prepare
    const productId = await aProduct({ stock: 7, price: 1000 });
    const customerId = await aCustomer(7_000);
    const { orderId, sagaId, createdAt, cancelled } = await aCancellationAwaitingCompensation({ productId, customerId, reason: 'Payment failed: gateway down' });
    await put('ReservationsTable', { orderId, customerId, status: 'RESERVED', items: [{ productId, quantity: 3, unitPrice: 1000 }], amount: 3000, version: 1, updatedAt: createdAt });
    await put('PaymentsTable', { orderId, customerId, status: 'CHARGED', amount: 3000, version: 1, updatedAt: createdAt });

    // Act: the watchdog's run, now.
    const run = await invokeFunction<Watchdog>('sagaWatchdog', {});

    // Assess: re-driven, and both participants compensated exactly what was done.
    expect(run.redriven).toBeGreaterThanOrEqual(1);
    const saga = await sagaHasSteps(orderId, ['inventoryRelease', 'paymentRefund']);
    expect(saga.redriveAttempts).toBe(1);
    expect(await stockOf(productId)).toBe(10);
    expect(await balanceOf(customerId)).toBe(10_000);
    expect(await getItem('InventoryInboxTable', { pk: `releaseStock#${cancelled.id}` })).toBeDefined();

    // Act: a later run (after the backoff) finds the compensation recorded.
    const finished = await watchdogFinishes(sagaId, 'compensatedAt');

    // Assess: finished, out of the watch, and nothing was compensated twice.
    expect(finished).not.toHaveProperty('watchKind');
    expect(finished.redriveAttempts).toBe(1);
    await sleep(1_000);
    expect(await stockOf(productId)).toBe(10);
    expect(await balanceOf(customerId)).toBe(10_000);
  });

  it('refuses a late order.created after its deadline: nothing is reserved, and the failure record refuses every later delivery', async () => {
    // Prepare: the order's saga ended (timed out); a retry of its order.created arrives now.
    const productId = await aProduct({ stock: 5, price: 1000 });
    const orderId = randomUUID();
    const late = anEvent(
      {
        type: 'order.created',
        aggregateId: orderId,
        sequence: 1,
        correlationId: randomUUID(),
        causationId: null,
        data: { orderId, customerId: 'customer-123', items: [{ productId, quantity: 2 }], deadline: new Date(Date.now() - 1_000).toISOString() },
      },
      new Date(Date.now() - 301_000),
    );

    // Act
    await putOnBus([late]);

    // Assess
    const reservation = await eventually(() => getItem<{ status: string; reason: string }>('ReservationsTable', { orderId }), { what: 'the refusal to be recorded' });
    expect(reservation).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/deadline/) });
    expect(await stockOf(productId)).toBe(5);
  });

  it('finishes a compensation that was applied but whose replies were lost: the re-driven cancellation is answered again', async () => {
    // Prepare: releaseStock and refundPayment applied the cancellation and replied, but advanceSaga
    // never recorded the replies (it was down past every retry). To the participants, a re-driven
    // order.cancelled is a duplicate.
    const productId = await aProduct({ stock: 10, price: 1000 });
    const customerId = await aCustomer(10_000);
    const { orderId, sagaId, cancelledAt, cancelled } = await aCancellationAwaitingCompensation({ productId, customerId, reason: 'Saga timed out' });
    const released = anEvent({ type: 'inventory.released', aggregateId: orderId, sequence: 2, correlationId: sagaId, causationId: cancelled.id, data: { orderId, items: [{ productId, quantity: 3 }] } }, cancelledAt);
    const refunded = anEvent({ type: 'payment.refunded', aggregateId: orderId, sequence: 2, correlationId: sagaId, causationId: cancelled.id, data: { orderId, customerId, amount: 3000 } }, cancelledAt);
    const published = (event: typeof released | typeof refunded) => ({ ...toOutboxRow(event), pendingShard: undefined, publishedAt: cancelledAt.getTime() + 50 });
    await put('InventoryOutboxTable', published(released));
    await put('PaymentsOutboxTable', published(refunded));
    await put('InventoryInboxTable', { pk: `releaseStock#${cancelled.id}`, consumer: 'releaseStock', eventId: cancelled.id, eventType: 'order.cancelled', processedAt: cancelledAt.toISOString() });
    await put('PaymentsInboxTable', { pk: `refundPayment#${cancelled.id}`, consumer: 'refundPayment', eventId: cancelled.id, eventType: 'order.cancelled', processedAt: cancelledAt.toISOString() });
    await put('ReservationsTable', { orderId, customerId, status: 'RELEASED', items: [{ productId, quantity: 3, unitPrice: 1000 }], amount: 3000, version: 2, updatedAt: cancelledAt.toISOString() });
    await put('PaymentsTable', { orderId, customerId, status: 'REFUNDED', amount: 3000, version: 2, updatedAt: cancelledAt.toISOString() });

    // Act: the watchdog re-drives the cancellation; the participants answer it again (their
    // replies go back to the pending index), and their sweepers publish the replies once more.
    const run = await invokeFunction<Watchdog>('sagaWatchdog', {});
    await eventually(
      async () => {
        const [inventory, payments] = await Promise.all([getItem<{ pendingShard?: string }>('InventoryOutboxTable', { id: released.id }), getItem<{ pendingShard?: string }>('PaymentsOutboxTable', { id: refunded.id })]);
        return inventory?.pendingShard && payments?.pendingShard ? true : undefined;
      },
      { what: 'the participants to answer the re-driven cancellation again' },
    );
    await invokeFunction('inventoryOutboxSweeper', { sweeps: 1 });
    await invokeFunction('paymentsOutboxSweeper', { sweeps: 1 });

    // Assess: recorded at last, same envelopes, and nothing compensated twice.
    expect(run.redriven).toBeGreaterThanOrEqual(1);
    const saga = await sagaHasSteps(orderId, ['inventoryRelease', 'paymentRefund']);
    expect(saga.steps.inventoryRelease?.eventId).toBe(released.id);
    expect(saga.steps.paymentRefund?.eventId).toBe(refunded.id);
    expect(await stockOf(productId)).toBe(10);
    expect(await balanceOf(customerId)).toBe(10_000);
  });
});

/**
 * A confirmation whose points were never awarded: `order.confirmed` was committed and published,
 * but awardPoints failed past every retry. The state is seeded as it is left then: order
 * CONFIRMED, saga watched for the delivery of its `order.confirmed` and due now, no marker in the
 * rewards inbox, no points.
 */
describe('order.confirmed is re-driven until every consumer subscribed to it has processed it', () => {
  it('re-publishes the stored order.confirmed (same envelope id) after awardPoints gave up; the points are awarded once; the saga then finishes', async () => {
    // Prepare
    const customerId = `customer-${randomUUID()}`;
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const createdAt = new Date(Date.now() - 600_000).toISOString();
    const confirmedAt = new Date(Date.now() - 300_000);
    const confirmed = anEvent(
      { type: 'order.confirmed', aggregateId: orderId, sequence: 2, correlationId: sagaId, causationId: null, data: { orderId, customerId, amount: 4200 } },
      confirmedAt,
    );
    await put('OrdersOutboxTable', { ...toOutboxRow(confirmed), pendingShard: undefined, publishedAt: confirmedAt.getTime() });
    await put('OrdersTable', { orderId, customerId, items: [{ productId: 'product-1', quantity: 1 }], status: 'CONFIRMED', amount: 4200, sagaId, createdAt, updatedAt: confirmedAt.toISOString(), deadline: confirmedAt.toISOString(), version: 2 });
    await put('SagaStateTable', {
      sagaId,
      orderId,
      currentStep: 'CONFIRMED',
      steps: { confirmation: { status: 'SUCCESS', timestamp: confirmedAt.toISOString(), eventId: confirmed.id } },
      compensationRequired: false,
      deadline: confirmedAt.toISOString(),
      startedAt: createdAt,
      completedAt: confirmedAt.toISOString(),
      watchShard: watchShardOf(sagaId),
      watchAt: new Date(Date.now() - 1_000).toISOString(),
      watchKind: 'DELIVERING',
    });

    // Act: the watchdog's run, now.
    const run = await invokeFunction<Watchdog>('sagaWatchdog', {});

    // Assess: re-driven, and awardPoints applied it.
    expect(run.redriven).toBeGreaterThanOrEqual(1);
    await eventually(() => getItem('RewardsInboxTable', { pk: `awardPoints#${confirmed.id}` }), { what: 'awardPoints to process the re-driven order.confirmed' });
    expect(await pointsOf(customerId)).toBe(42);

    // Act: a later run (after the backoff) finds every consumer's marker.
    const finished = await watchdogFinishes(sagaId, 'deliveredAt');

    // Assess: finished, out of the watch, and the points were awarded once.
    expect(finished).not.toHaveProperty('watchKind');
    expect(finished.redriveAttempts).toBe(1);
    await sleep(1_000);
    expect(await pointsOf(customerId)).toBe(42);
  });

  it('finishes a confirmed saga whose order.confirmed reached every consumer without re-publishing it', async () => {
    // Prepare: a saga confirmed through the real flow.
    const productId = await aProduct({ stock: 5, price: 1500 });
    const customerId = await aCustomer(10_000);
    const { body } = await placeOrder({ customerId, items: [{ productId, quantity: 2 }] });
    const orderId = body.orderId;
    expect((await orderSettles(orderId)).status).toBe('CONFIRMED');

    // Act: the watchdog runs until the first check is due: the saga's deadline (60 s on the e2e
    // stack), which a confirmation leaves in the watch as it was.
    const saga = await eventually(
      async () => {
        await invokeFunction<Watchdog>('sagaWatchdog', {});
        const { body: state } = await fetchSaga(orderId);
        return state.deliveredAt ? state : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'the watchdog to confirm the delivery' },
    );

    // Assess
    expect(saga).toMatchObject({ currentStep: 'CONFIRMED', deliveredAt: expect.any(String) });
    expect(saga.redriveAttempts).toBeUndefined();
    expect(await pointsOf(customerId)).toBe(30);
  }, 200_000);
});
