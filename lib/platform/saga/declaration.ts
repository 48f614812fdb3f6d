import type { z } from 'zod';

/**
 * The shape of a saga's one declaration: its services, the events each owns, every consumer's
 * subscription, the forward steps with the compensation of each, the events that end the saga and
 * its deadline. The platform derives the rest from it (subscriptions, rules, step names, the
 * watchdog's compensation and re-drive, describeSaga's and replay's sources; the deployment and
 * the harnesses read it too). It names no service of its own: a saga brings its declaration.
 */

/** An older version of a type's `data` that consumers still accept, with its upcaster to the current one. */
export interface OlderVersion<Current = unknown> {
  data: z.ZodTypeAny;
  upcast: (data: never) => Current;
}

/** One event type's contract: its owner (the EventBridge source), current version, data schema, older versions. */
export interface Contract {
  source: string;
  version: number;
  data: z.ZodTypeAny;
  older?: Readonly<Record<number, OlderVersion>>;
}
export type Contracts = Readonly<Record<string, Contract>>;

/** What a function may do on one DynamoDB table of its service (IAM actions without the `dynamodb:` prefix). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query';

export interface ServiceDeclaration {
  /** The EventBridge source of the events it owns; a service that only consumes has none (and no outbox). */
  source?: string;
  /**
   * Its own tables, environment variable → CloudFormation logical id (defined in
   * `resources/<service>.yml`). Every function of the service gets them all in its environment.
   */
  tables: Readonly<Record<string, string>>;
}

export interface ConsumerDeclaration<S extends string, E extends string> {
  service: S;
  /** The subscription: exactly these types are delivered (by rules on their owners) and accepted. */
  on: readonly E[];
  /** The access the consumer needs to its service's tables (logical id → actions); the platform adds the rest. */
  access: Readonly<Record<string, readonly TableAction[]>>;
  /**
   * A command received again is answered again (its replies go back to the outbox's pending
   * index): the compensations, so a re-driven cancellation always ends up recorded.
   */
  repeatsReplies?: boolean;
}

export interface CompensationDeclaration<C extends string, E extends string> {
  /** The step's name in the saga's audit trail. */
  name: string;
  /** The consumer that undoes the step when the saga is cancelled (it subscribes to the cancellation). */
  by: C;
  /** The event it always answers with, whether or not there was anything to undo. */
  answer: E;
  /** Fields of the answer's data recorded in the step's detail. */
  detail?: readonly string[];
}

export interface StepDeclaration<C extends string, E extends string> {
  /** The step's name in the saga's audit trail. */
  name: string;
  /** The consumer that takes the step, on the event that ended the step before it. */
  by: C;
  succeeded: E;
  failed: E;
  /** The saga's `currentStep` once it succeeded. */
  reached: string;
  /** How a failure reads in the cancellation's reason (`<failure>: <the event's reason>`). */
  failure: string;
  /** Fields of the success event's data recorded in the step's detail. */
  detail?: readonly string[];
  compensation?: CompensationDeclaration<C, E>;
}

export interface SagaDeclaration<S extends string = string, C extends string = string, E extends string = string> {
  /** The aggregate the saga is about: every event's `aggregateId` is its `data[idField]`. */
  aggregate: { name: string; idField: string };
  services: Readonly<Record<S, ServiceDeclaration>>;
  contracts: Contracts;
  consumers: Readonly<Record<C, ConsumerDeclaration<S, E>>>;
  /** The service that keeps the saga's state and its consumer that records every step. */
  keeper: { service: S; consumer: C };
  /** The event that starts the saga (owned by the keeper). */
  starts: E;
  /** Forward steps, in order; the last one's success confirms the saga. */
  steps: readonly StepDeclaration<C, E>[];
  /** The events (owned by the keeper) that end the saga. */
  ends: { confirmed: E; cancelled: E };
  /** How long the saga may run before the watchdog cancels it (a stage may override it). */
  deadlineSeconds: number;
}

type Names<D extends SagaDeclaration> = {
  service: Extract<keyof D['services'], string>;
  consumer: Extract<keyof D['consumers'], string>;
  event: Extract<keyof D['contracts'], string>;
};

/**
 * The names a declaration's consumers, keeper and ending events use must be ones it declares: a
 * typo fails the type-check (the steps are checked when `sagaTopology` derives from it).
 */
type Checked<D extends SagaDeclaration, N extends Names<D> = Names<D>> = D & {
  consumers: { [C in keyof D['consumers']]: { service: N['service']; on: readonly N['event'][] } };
  keeper: { service: N['service']; consumer: N['consumer'] };
  starts: N['event'];
  ends: { confirmed: N['event']; cancelled: N['event'] };
};

/** The saga's declaration, checked at compile time; `sagaTopology` checks the rest when it derives. */
export const defineSaga = <const D extends SagaDeclaration>(declaration: Checked<D>): D => declaration;
