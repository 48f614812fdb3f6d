import { createEnvelope, type AnyEnvelope, type EventDataOf } from '../../contracts';
import { saga, topology } from '../../saga';
import type { Order } from './order';
import type { StepRecord } from '../../../platform/saga/state';

type StepName = string;
type SagaStep = string;

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

/** Every event the keeper (advanceSaga) consumes: each step's outcomes and each compensation's answer. */
export type OrderSagaEvent = Extract<AnyEnvelope, { type: (typeof saga.consumers.advanceSaga.on)[number] }>;

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

const confirm = (order: Order, amount: number, cause: OrderSagaEvent, now: Date, steps: SagaUpdate['steps']): OrderReaction =>
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

/** The fields of an event's data a step records in its detail (as the declaration lists them). */
const pick = (data: object, fields: readonly string[] | undefined): Record<string, unknown> | undefined =>
  fields?.length ? Object.fromEntries(fields.map((f) => [f, (data as Record<string, unknown>)[f]])) : undefined;

/** What the order is charged, from the event of the saga's last step (its contract carries `amount`). */
const amountOf = (cause: OrderSagaEvent): number => {
  const amount = (cause.data as { amount?: unknown }).amount;
  if (typeof amount !== 'number') throw new Error(`${cause.type} confirms the saga but carries no amount`);
  return amount;
};

/**
 * Only a PENDING order changes; for any other state the event is still recorded in the trail.
 * What an event means comes from the saga's declaration: a step succeeded (the last one confirms
 * the order), a step failed (the order is cancelled, with the step's failure as the reason), or a
 * compensation answered.
 */
export const reactToSagaEvent = (order: Order, cause: OrderSagaEvent, now: Date): OrderReaction => {
  const pending = order.status === 'PENDING';
  const recordOnly = (steps: SagaUpdate['steps'], currentStep?: SagaStep): OrderReaction => ({
    expectedVersion: order.version,
    saga: { sagaId: order.sagaId, steps, ...(currentStep && pending ? { currentStep } : {}) },
    events: [],
  });
  const meaning = topology.stepEventOf(cause.type);
  if (!meaning) throw new Error(`${cause.type} is not an event of the saga's steps`);
  if (meaning.kind === 'compensated') {
    const detail = pick(cause.data, meaning.compensation.detail);
    return recordOnly({ [meaning.compensation.name]: step(cause, now, 'SUCCESS', detail ? { detail } : {}) });
  }
  if (meaning.kind === 'succeeded') {
    const detail = pick(cause.data, meaning.step.detail);
    const steps = { [meaning.step.name]: step(cause, now, 'SUCCESS', detail ? { detail } : {}) };
    if (!meaning.last) return recordOnly(steps, meaning.step.reached);
    return pending ? confirm(order, amountOf(cause), cause, now, steps) : recordOnly(steps);
  }
  const reason = String((cause.data as { reason?: unknown }).reason);
  const steps = { [meaning.step.name]: step(cause, now, 'FAILED', { error: reason }) };
  return pending ? cancel(order, `${meaning.step.failure}: ${reason}`, cause.id, now, steps) : recordOnly(steps);
};

/** The watchdog's rule: a saga still PENDING past its deadline is cancelled and compensated. */
export const timeOut = (order: Order, now: Date): OrderReaction | undefined => {
  if (order.status !== 'PENDING' || Date.parse(order.deadline) > now.getTime()) return undefined;
  return cancel(order, TIMEOUT_REASON, null, now, {
    timeout: { status: 'FAILED', timestamp: now.toISOString(), eventId: 'watchdog', error: `Deadline ${order.deadline} passed` },
  });
};
