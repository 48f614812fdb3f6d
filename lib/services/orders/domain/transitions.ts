import type { EventDataOf } from '../../contracts';
import { createEnvelope, type AnyEnvelope } from '../../../platform/events/envelope';
import type { Order } from './order';
import type { SagaStep, StepName, StepRecord } from '../../../platform/saga/state';

export const TIMEOUT_REASON = 'Saga timed out';

/** What the saga table gains from one reaction: steps recorded, and maybe a new current step. */
export interface SagaUpdate {
  sagaId: string;
  steps: Partial<Record<StepName, StepRecord>>;
  currentStep?: SagaStep;
  compensationReason?: string;
  /** The saga left its running state: the watchdog stops watching its deadline. */
  finished?: boolean;
  /**
   * A cancelled saga is finished only when both compensation steps are recorded: the watchdog
   * keeps watching it, and re-drives `order.cancelled` until they are.
   */
  awaitsCompensation?: boolean;
  /**
   * A confirmed saga is finished only when every consumer subscribed to `order.confirmed` has
   * processed it: the watchdog keeps watching it, and re-drives `order.confirmed` until they have.
   */
  awaitsDelivery?: boolean;
  completedAt?: string;
}

/**
 * The orders side of the saga as a pure function: given the order as read and an event, what
 * changes. `order` is set only when the order itself changes; the repository guards every write
 * with `expectedVersion`, so a concurrent change makes the whole reaction retry on fresh state.
 */
export interface OrderReaction {
  expectedVersion: number;
  order?: Order;
  saga: SagaUpdate;
  events: AnyEnvelope[];
}

export type OrderSagaEvent = Extract<
  AnyEnvelope,
  { type: 'inventory.reserved' | 'inventory.reservation.failed' | 'payment.succeeded' | 'payment.failed' | 'inventory.released' | 'payment.refunded' }
>;

const step = (cause: { id: string }, now: Date, status: StepRecord['status'], extra: Partial<StepRecord> = {}): StepRecord => ({
  status,
  timestamp: now.toISOString(),
  eventId: cause.id,
  ...extra,
});

/**
 * The order leaves PENDING: its version moves on, it emits `type` with that version as sequence,
 * and the saga is finished (it leaves the watchdog's index).
 */
const endSaga = <T extends 'order.confirmed' | 'order.cancelled'>(
  order: Order,
  now: Date,
  outcome: {
    type: T;
    data: EventDataOf<T>;
    causationId: string | null;
    order: Pick<Order, 'status'> & Partial<Order>;
    saga: Pick<SagaUpdate, 'currentStep' | 'compensationReason' | 'awaitsCompensation' | 'awaitsDelivery'>;
    step: { name: StepName; detail?: Record<string, unknown> };
  },
  steps: SagaUpdate['steps'],
): OrderReaction => {
  const version = order.version + 1;
  const event = createEnvelope(
    { type: outcome.type, aggregateId: order.orderId, sequence: version, correlationId: order.sagaId, causationId: outcome.causationId, data: outcome.data },
    now,
  );
  const detail = outcome.step.detail ? { detail: outcome.step.detail } : {};
  return {
    expectedVersion: order.version,
    order: { ...order, ...outcome.order, version, updatedAt: now.toISOString() },
    saga: {
      sagaId: order.sagaId,
      steps: { ...steps, [outcome.step.name]: step(event, now, 'SUCCESS', detail) },
      ...outcome.saga,
      finished: true,
      completedAt: now.toISOString(),
    },
    events: [event as AnyEnvelope],
  };
};

const cancel = (order: Order, reason: string, causationId: string | null, now: Date, steps: SagaUpdate['steps']): OrderReaction =>
  endSaga(
    order,
    now,
    {
      type: 'order.cancelled',
      data: { orderId: order.orderId, customerId: order.customerId, reason },
      causationId,
      order: { status: 'CANCELLED', reason },
      saga: { currentStep: 'CANCELLED', compensationReason: reason, awaitsCompensation: true },
      step: { name: 'cancellation', detail: { reason } },
    },
    steps,
  );

const confirm = (order: Order, amount: number, cause: AnyEnvelope, now: Date, steps: SagaUpdate['steps']): OrderReaction =>
  endSaga(
    order,
    now,
    {
      type: 'order.confirmed',
      data: { orderId: order.orderId, customerId: order.customerId, amount },
      causationId: cause.id,
      order: { status: 'CONFIRMED', amount },
      saga: { currentStep: 'CONFIRMED', awaitsDelivery: true },
      step: { name: 'confirmation' },
    },
    steps,
  );

/** Only a PENDING order changes; for any other state the event is still recorded in the trail. */
export const reactToSagaEvent = (order: Order, cause: OrderSagaEvent, now: Date): OrderReaction => {
  const pending = order.status === 'PENDING';
  const recordOnly = (steps: SagaUpdate['steps'], currentStep?: SagaStep): OrderReaction => ({
    expectedVersion: order.version,
    saga: { sagaId: order.sagaId, steps, ...(currentStep && pending ? { currentStep } : {}) },
    events: [],
  });
  switch (cause.type) {
    case 'inventory.reserved':
      return recordOnly({ inventoryReservation: step(cause, now, 'SUCCESS', { detail: { amount: cause.data.amount } }) }, 'INVENTORY_RESERVED');
    case 'inventory.reservation.failed': {
      const steps = { inventoryReservation: step(cause, now, 'FAILED', { error: cause.data.reason }) };
      return pending ? cancel(order, `Inventory reservation failed: ${cause.data.reason}`, cause.id, now, steps) : recordOnly(steps);
    }
    case 'payment.succeeded': {
      const steps = { paymentProcessing: step(cause, now, 'SUCCESS', { detail: { amount: cause.data.amount } }) };
      return pending ? confirm(order, cause.data.amount, cause, now, steps) : recordOnly(steps);
    }
    case 'payment.failed': {
      const steps = { paymentProcessing: step(cause, now, 'FAILED', { error: cause.data.reason }) };
      return pending ? cancel(order, `Payment failed: ${cause.data.reason}`, cause.id, now, steps) : recordOnly(steps);
    }
    case 'inventory.released':
      return recordOnly({ inventoryRelease: step(cause, now, 'SUCCESS', { detail: { items: cause.data.items } }) });
    case 'payment.refunded':
      return recordOnly({ paymentRefund: step(cause, now, 'SUCCESS', { detail: { amount: cause.data.amount } }) });
  }
};

/** The watchdog's rule: a saga still PENDING past its deadline is cancelled and compensated. */
export const timeOut = (order: Order, now: Date): OrderReaction | undefined => {
  if (order.status !== 'PENDING' || Date.parse(order.deadline) > now.getTime()) return undefined;
  return cancel(order, TIMEOUT_REASON, null, now, {
    timeout: { status: 'FAILED', timestamp: now.toISOString(), eventId: 'watchdog', error: `Deadline ${order.deadline} passed` },
  });
};
