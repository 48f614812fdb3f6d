import { randomUUID } from 'node:crypto';
import { COMPENSATION_STUCK_AFTER, watchSagas, type WatchSagasDeps } from '../../../lib/platform/saga/watch-sagas';
import type { SagaState } from '../../../lib/platform/saga/state';
import type { DueWatch, ProcessedRecord, WatchCursor } from '../../../lib/platform/ports';
import { metrics } from '../../../lib/platform/observability';
import { ConflictError } from '../../../lib/platform/errors';
import { A_FIXED_NOW, aFakeWrite, anOrder } from '../../steps/given';
import { type OrdersStore } from '../../../lib/services/orders/ports';
import { topology } from '../../../lib/services/saga';
import { timeOutOrder } from '../../../lib/services/orders/use-cases/time-out-order';

const DELAY_MS = 300_000;

const aCancelledSaga = (overrides: Partial<SagaState> = {}): SagaState => ({
  sagaId: randomUUID(),
  orderId: randomUUID(),
  currentStep: 'CANCELLED',
  steps: { cancellation: { status: 'SUCCESS', timestamp: A_FIXED_NOW.toISOString(), eventId: randomUUID() } },
  compensationRequired: true,
  deadline: A_FIXED_NOW.toISOString(),
  startedAt: A_FIXED_NOW.toISOString(),
  ...overrides,
});

/** An orders store whose due list comes in the pages given; every write is recorded. */
const aWatchedStore = (pages: DueWatch[][], sagas: SagaState[] = []) => {
  const findDueWatches = jest.fn(async (_now: Date, cursor?: WatchCursor) => {
    const index = cursor ? (cursor.page as number) : 0;
    return { due: pages[index] ?? [], ...(index + 1 < pages.length ? { cursor: { page: index + 1 } } : {}) };
  });
  const store: OrdersStore = {
    getOrder: jest.fn(async (orderId: string) => anOrder({ orderId, deadline: new Date(A_FIXED_NOW.getTime() - 1).toISOString() })),
    getSaga: jest.fn(async (sagaId: string) => sagas.find((s) => s.sagaId === sagaId)),
    createWrites: jest.fn(),
    claimIdempotencyKey: jest.fn(),
    reactionWrites: jest.fn((orderId: string) => [aFakeWrite('reaction', orderId)]),
    findDueWatches,
    stopWatching: jest.fn((sagaId: string) => aFakeWrite('stopWatching', sagaId)),
    confirmCompensation: jest.fn((sagaId: string) => aFakeWrite('confirmCompensation', sagaId)),
    confirmDelivery: jest.fn((sagaId: string) => aFakeWrite('confirmDelivery', sagaId)),
    scheduleRedrive: jest.fn((sagaId: string, watch: string, attempts: number, next: Date) => aFakeWrite('scheduleRedrive', sagaId, watch, attempts, next.toISOString())),
  };
  return { store, findDueWatches };
};

const depsFor = (orders: OrdersStore, overrides: Partial<WatchSagasDeps> = {}) => {
  const commit = jest.fn(async () => undefined);
  const republish = jest.fn(async () => 'published' as const);
  const find = jest.fn(async (): Promise<ProcessedRecord[]> => []);
  const deps: WatchSagasDeps = {
    keeper: orders,
    topology,
    timeOut: timeOutOrder({ orders, tx: { commit } }),
    tx: { commit },
    clock: () => A_FIXED_NOW,
    republisher: { republish },
    processed: { find },
    redrive: { delayMs: DELAY_MS, maxDelayMs: 3_600_000 },
    ...overrides,
  };
  return { deps, commit, republish, find };
};

const deadlineWatch = (): DueWatch => ({ sagaId: randomUUID(), orderId: randomUUID(), kind: 'deadline' });

describe('watchSagas', () => {
  it('pages through every due saga and carries on past one that fails, counting it', async () => {
    // Prepare: 3 pages of 60 overdue sagas; the read of one order fails.
    const pages = [0, 1, 2].map(() => Array.from({ length: 60 }, deadlineWatch));
    const { store, findDueWatches } = aWatchedStore(pages);
    const broken = pages[1]![7]!.orderId;
    const getOrder = store.getOrder as jest.Mock;
    const fallback = getOrder.getMockImplementation()!;
    getOrder.mockImplementation(async (orderId: string) => (orderId === broken ? Promise.reject(new Error('read failed')) : fallback(orderId)));
    const { deps, commit } = depsFor(store);
    const addMetric = jest.spyOn(metrics, 'addMetric');

    // Act
    const result = await watchSagas(deps);

    // Assess
    expect(findDueWatches).toHaveBeenCalledTimes(3);
    expect(findDueWatches.mock.calls.map((c) => c[1])).toEqual([undefined, { page: 1 }, { page: 2 }]);
    expect(result).toEqual({ cancelled: 179, redriven: 0, compensated: 0, delivered: 0, failed: 1, complete: true });
    expect(commit).toHaveBeenCalledTimes(179);
    expect(addMetric).toHaveBeenCalledWith('WatchdogFailures', 'Count', 1);
    addMetric.mockRestore();
  });

  it('re-publishes the stored order.cancelled of a saga whose compensation is not recorded, and backs off', async () => {
    // Prepare
    const saga = aCancelledSaga({ steps: { ...aCancelledSaga().steps, inventoryRelease: { status: 'SUCCESS', timestamp: A_FIXED_NOW.toISOString(), eventId: 'x' } }, redriveAttempts: 1 });
    const { store } = aWatchedStore([[{ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'compensation' }]], [saga]);
    const { deps, commit, republish } = depsFor(store);

    // Act
    const result = await watchSagas(deps);

    // Assess: second attempt, next check after twice the delay.
    expect(republish).toHaveBeenCalledWith(saga.steps.cancellation!.eventId);
    expect(result).toMatchObject({ redriven: 1, failed: 0 });
    expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('scheduleRedrive', saga.sagaId, 'compensation', 2, new Date(A_FIXED_NOW.getTime() + 2 * DELAY_MS).toISOString())], events: [] });
  });

  it(`emits CompensationStuck (which alarms) from the ${COMPENSATION_STUCK_AFTER}rd re-drive on`, async () => {
    // Prepare
    const saga = aCancelledSaga({ redriveAttempts: COMPENSATION_STUCK_AFTER - 1 });
    const { store } = aWatchedStore([[{ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'compensation' }]], [saga]);
    const { deps } = depsFor(store);
    const addMetric = jest.spyOn(metrics, 'addMetric');

    // Act
    await watchSagas(deps);

    // Assess
    expect(addMetric).toHaveBeenCalledWith('CompensationRedriven', 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith('CompensationStuck', 'Count', 1);
    addMetric.mockRestore();
  });

  it('finishes a cancelled saga once every compensation step is recorded, without re-publishing', async () => {
    // Prepare
    const step = { status: 'SUCCESS' as const, timestamp: A_FIXED_NOW.toISOString(), eventId: 'x' };
    const saga = aCancelledSaga({ steps: { ...aCancelledSaga().steps, inventoryRelease: step, paymentRefund: step, shipmentCancellation: step } });
    const { store } = aWatchedStore([[{ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'compensation' }]], [saga]);
    const { deps, commit, republish } = depsFor(store);

    // Act
    const result = await watchSagas(deps);

    // Assess
    expect(republish).not.toHaveBeenCalled();
    expect(result).toMatchObject({ compensated: 1, redriven: 0 });
    expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('confirmCompensation', saga.sagaId)], events: [] });
  });

  it('publishes only after its guarded commit: a saga that moved meanwhile is left to the next run, and nothing is re-published', async () => {
    // Prepare: the answers arrived between the read and the commit, so the guard refuses it.
    const saga = aCancelledSaga();
    const { store } = aWatchedStore([[{ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'compensation' }]], [saga]);
    const order: string[] = [];
    const commit = jest.fn(async () => {
      order.push('commit');
      throw new ConflictError(`Saga ${saga.sagaId} changed while being re-driven`);
    });
    const republish = jest.fn(async () => {
      order.push('publish');
      return 'published' as const;
    });
    const { deps } = depsFor(store, { tx: { commit }, republisher: { republish } });

    // Act
    const result = await watchSagas(deps);

    // Assess
    expect(order).toEqual(['commit']);
    expect(result).toMatchObject({ redriven: 0, failed: 0 });
  });

  it('counts a re-drive whose publication failed as a failure, but still schedules the next check', async () => {
    // Prepare
    const saga = aCancelledSaga();
    const { store } = aWatchedStore([[{ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'compensation' }]], [saga]);
    const { deps, commit } = depsFor(store, { republisher: { republish: async () => 'failed' } });

    // Act
    const result = await watchSagas(deps);

    // Assess
    expect(result).toMatchObject({ redriven: 0, failed: 1 });
    expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('scheduleRedrive', saga.sagaId, 'compensation', 1, new Date(A_FIXED_NOW.getTime() + DELAY_MS).toISOString())], events: [] });
  });

  describe('the delivery watch of a confirmed saga', () => {
    const aConfirmedSaga = (overrides: Partial<SagaState> = {}): SagaState => ({
      ...aCancelledSaga(),
      currentStep: 'CONFIRMED',
      steps: { confirmation: { status: 'SUCCESS', timestamp: A_FIXED_NOW.toISOString(), eventId: randomUUID() } },
      compensationRequired: false,
      ...overrides,
    });
    const deliveryWatchOf = (saga: SagaState): DueWatch => ({ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'delivery' });

    it('re-publishes the stored order.confirmed while a consumer subscribed to it has no marker for it, and backs off', async () => {
      // Prepare: awardPoints gave up on order.confirmed (no marker); one re-drive already happened.
      const saga = aConfirmedSaga({ redriveAttempts: 1 });
      const { store } = aWatchedStore([[deliveryWatchOf(saga)]], [saga]);
      const { deps, commit, republish, find } = depsFor(store);

      // Act
      const result = await watchSagas(deps);

      // Assess: the markers asked for are every consumer of order.confirmed, for this event.
      expect(find).toHaveBeenCalledWith([{ consumer: 'awardPoints', eventId: saga.steps.confirmation!.eventId }]);
      expect(republish).toHaveBeenCalledWith(saga.steps.confirmation!.eventId);
      expect(result).toMatchObject({ redriven: 1, delivered: 0, failed: 0 });
      expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('scheduleRedrive', saga.sagaId, 'delivery', 2, new Date(A_FIXED_NOW.getTime() + 2 * DELAY_MS).toISOString())], events: [] });
    });

    it('finishes the saga once every consumer has processed order.confirmed, without re-publishing', async () => {
      // Prepare
      const saga = aConfirmedSaga();
      const { store } = aWatchedStore([[deliveryWatchOf(saga)]], [saga]);
      const marker: ProcessedRecord = { consumer: 'awardPoints', eventId: saga.steps.confirmation!.eventId, processedAt: A_FIXED_NOW.toISOString(), duplicates: 0 };
      const { deps, commit, republish } = depsFor(store, { processed: { find: async () => [marker] } });

      // Act
      const result = await watchSagas(deps);

      // Assess
      expect(republish).not.toHaveBeenCalled();
      expect(result).toMatchObject({ delivered: 1, redriven: 0 });
      expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('confirmDelivery', saga.sagaId)], events: [] });
    });

    it("checks a confirmed saga's delivery at its deadline (confirming left the deadline watch as it was): finished when delivered, re-driven when not", async () => {
      // Prepare: two sagas confirmed before their deadline, still in the deadline watch; awardPoints processed the first only.
      const delivered = aConfirmedSaga();
      const missed = aConfirmedSaga();
      const { store } = aWatchedStore([[delivered, missed].map((saga): DueWatch => ({ sagaId: saga.sagaId, orderId: saga.orderId, kind: 'deadline' }))], [delivered, missed]);
      (store.getOrder as jest.Mock).mockImplementation(async (orderId: string) => anOrder({ orderId, status: 'CONFIRMED', deadline: new Date(A_FIXED_NOW.getTime() - 1).toISOString() }));
      const marker: ProcessedRecord = { consumer: 'awardPoints', eventId: delivered.steps.confirmation!.eventId, processedAt: A_FIXED_NOW.toISOString(), duplicates: 0 };
      const find = async (keys: { eventId: string }[]) => (keys.some((k) => k.eventId === marker.eventId) ? [marker] : []);
      const { deps, commit, republish } = depsFor(store, { processed: { find } });

      // Act
      const result = await watchSagas(deps);

      // Assess: neither is cancelled nor merely dropped from the watch.
      expect(result).toMatchObject({ cancelled: 0, delivered: 1, redriven: 1, failed: 0 });
      expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('confirmDelivery', delivered.sagaId)], events: [] });
      expect(commit).toHaveBeenCalledWith({ writes: [aFakeWrite('scheduleRedrive', missed.sagaId, 'delivery', 1, new Date(A_FIXED_NOW.getTime() + DELAY_MS).toISOString())], events: [] });
      expect(republish).toHaveBeenCalledWith(missed.steps.confirmation!.eventId);
      expect(store.stopWatching).not.toHaveBeenCalled();
    });

    it(`emits DeliveryStuck (which alarms) from the ${COMPENSATION_STUCK_AFTER}rd re-drive on`, async () => {
      // Prepare
      const saga = aConfirmedSaga({ redriveAttempts: COMPENSATION_STUCK_AFTER - 1 });
      const { store } = aWatchedStore([[deliveryWatchOf(saga)]], [saga]);
      const { deps } = depsFor(store);
      const addMetric = jest.spyOn(metrics, 'addMetric');

      // Act
      await watchSagas(deps);

      // Assess
      expect(addMetric).toHaveBeenCalledWith('DeliveryRedriven', 'Count', 1);
      expect(addMetric).toHaveBeenCalledWith('DeliveryStuck', 'Count', 1);
      addMetric.mockRestore();
    });
  });
});
