/** The saga's audit trail: every step with its status, time and cause, compensation steps included. */
export type StepStatus = 'SUCCESS' | 'FAILED';
export type StepName =
  | 'created'
  | 'inventoryReservation'
  | 'paymentProcessing'
  | 'confirmation'
  | 'cancellation'
  | 'inventoryRelease'
  | 'paymentRefund'
  | 'timeout';

export type SagaStep =
  | 'CREATED'
  | 'INVENTORY_RESERVED'
  | 'PAYMENT_PROCESSED'
  | 'CONFIRMED'
  | 'CANCELLED';

export interface StepRecord {
  status: StepStatus;
  timestamp: string;
  eventId: string;
  error?: string;
  detail?: Record<string, unknown>;
}

export interface SagaState {
  sagaId: string;
  orderId: string;
  currentStep: SagaStep;
  steps: Partial<Record<StepName, StepRecord>>;
  compensationRequired: boolean;
  compensationReason?: string;
  deadline: string;
  startedAt: string;
  completedAt?: string;
  /** Cancelled sagas: when the watchdog found both compensation steps recorded (the saga is then finished). */
  compensatedAt?: string;
  /** Cancelled sagas: how many times the watchdog re-published `order.cancelled` so far. */
  redriveAttempts?: number;
}

/** Both compensation steps are recorded: nothing of the cancelled order is left reserved or charged. */
export const compensationConfirmed = (saga: Pick<SagaState, 'steps'>): boolean => Boolean(saga.steps.inventoryRelease && saga.steps.paymentRefund);

/**
 * When to look again after the `attempt`-th re-drive of a cancellation (1-based): the delay
 * doubles each time, up to `maxDelayMs`, so a participant that is down for hours is not flooded.
 */
export const nextRedriveCheck = (now: Date, attempt: number, opts: { delayMs: number; maxDelayMs: number }): Date =>
  new Date(now.getTime() + Math.min(opts.maxDelayMs, opts.delayMs * 2 ** Math.max(0, attempt - 1)));

export const newSagaState = (p: { sagaId: string; orderId: string; now: Date; deadline: string; eventId: string }): SagaState => ({
  sagaId: p.sagaId,
  orderId: p.orderId,
  currentStep: 'CREATED',
  steps: { created: { status: 'SUCCESS', timestamp: p.now.toISOString(), eventId: p.eventId } },
  compensationRequired: false,
  deadline: p.deadline,
  startedAt: p.now.toISOString(),
});
