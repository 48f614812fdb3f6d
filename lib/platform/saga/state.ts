import { z } from 'zod';

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

/**
 * The saga state its keeper keeps and its HTTP API returns (`GET .../saga`), for a saga's step
 * names and current steps (both derived from its declaration by `sagaTopology`).
 */
export const sagaStateSchemaOf = (topology: { stepNames: readonly string[]; currentSteps: readonly string[] }) =>
  z
    .object({
      sagaId: z.string(),
      orderId: z.string(),
      currentStep: z.enum(topology.currentSteps as [string, ...string[]]),
      steps: z.object(Object.fromEntries(topology.stepNames.map((name) => [name, stepRecordSchema.optional()]))).strict(),
      compensationRequired: z.boolean(),
      compensationReason: z.string().optional(),
      deadline: timestamp,
      startedAt: timestamp,
      completedAt: timestamp.optional(),
      /** Cancelled sagas: when the watchdog found every compensation step recorded (the saga is then finished). */
      compensatedAt: timestamp.optional(),
      /** Confirmed sagas: when the watchdog found the confirmation processed by every consumer subscribed to it. */
      deliveredAt: timestamp.optional(),
      /** Finished sagas: how many times the watchdog re-published the event that ended it so far. */
      redriveAttempts: z.number().int().nonnegative().optional(),
    })
    .strict();

export type StepStatus = StepRecord['status'];
export type StepRecord = z.infer<typeof stepRecordSchema>;
export interface SagaState {
  sagaId: string;
  orderId: string;
  currentStep: string;
  steps: Partial<Record<string, StepRecord>>;
  compensationRequired: boolean;
  compensationReason?: string;
  deadline: string;
  startedAt: string;
  completedAt?: string;
  compensatedAt?: string;
  deliveredAt?: string;
  redriveAttempts?: number;
}

/** Every compensation step is recorded: nothing of the cancelled saga is left undone. */
export const compensationConfirmed = (saga: Pick<SagaState, 'steps'>, compensationSteps: readonly string[]): boolean =>
  compensationSteps.every((name) => Boolean(saga.steps[name]));
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
