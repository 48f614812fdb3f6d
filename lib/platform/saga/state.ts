import { z } from 'zod';

/** The saga's audit trail: every step with its status, time and cause, compensation steps included. */
export const stepNames = ['created', 'inventoryReservation', 'paymentProcessing', 'confirmation', 'cancellation', 'inventoryRelease', 'paymentRefund', 'timeout'] as const;
export const sagaSteps = ['CREATED', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED', 'CONFIRMED', 'CANCELLED'] as const;

const timestamp = z.string().datetime({ offset: true });

export const stepRecordSchema = z
  .object({
    status: z.enum(['SUCCESS', 'FAILED']),
    timestamp,
    /** The event that made the step (or `watchdog` for a timeout). */
    eventId: z.string(),
    error: z.string().optional(),
    detail: z.record(z.unknown()).optional(),
  })
  .strict();

/** The saga state the orders service keeps and `GET /orders/{orderId}/saga` returns. */
export const sagaStateSchema = z
  .object({
    sagaId: z.string(),
    orderId: z.string(),
    currentStep: z.enum(sagaSteps),
    steps: z.object(Object.fromEntries(stepNames.map((name) => [name, stepRecordSchema.optional()])) as Record<StepName, z.ZodOptional<typeof stepRecordSchema>>).strict(),
    compensationRequired: z.boolean(),
    compensationReason: z.string().optional(),
    deadline: timestamp,
    startedAt: timestamp,
    completedAt: timestamp.optional(),
    /** Cancelled sagas: when the watchdog found both compensation steps recorded (the saga is then finished). */
    compensatedAt: timestamp.optional(),
    /** Confirmed sagas: when the watchdog found `order.confirmed` processed by every consumer subscribed to it. */
    deliveredAt: timestamp.optional(),
    /** Finished sagas: how many times the watchdog re-published the event that ended it (`order.cancelled` or `order.confirmed`) so far. */
    redriveAttempts: z.number().int().nonnegative().optional(),
  })
  .strict();

export type StepName = (typeof stepNames)[number];
export type SagaStep = (typeof sagaSteps)[number];
export type StepStatus = StepRecord['status'];
export type StepRecord = z.infer<typeof stepRecordSchema>;
export type SagaState = z.infer<typeof sagaStateSchema>;

/** Both compensation steps are recorded: nothing of the cancelled order is left reserved or charged. */
export const compensationConfirmed = (saga: Pick<SagaState, 'steps'>): boolean => Boolean(saga.steps.inventoryRelease && saga.steps.paymentRefund);

/**
 * When to look again after the `attempt`-th re-drive of a saga's last event (1-based): the delay
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
