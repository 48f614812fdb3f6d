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
}

export const newSagaState = (p: { sagaId: string; orderId: string; now: Date; deadline: string; eventId: string }): SagaState => ({
  sagaId: p.sagaId,
  orderId: p.orderId,
  currentStep: 'CREATED',
  steps: { created: { status: 'SUCCESS', timestamp: p.now.toISOString(), eventId: p.eventId } },
  compensationRequired: false,
  deadline: p.deadline,
  startedAt: p.now.toISOString(),
});
