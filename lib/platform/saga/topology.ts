import type { SagaDeclaration, StepDeclaration } from './declaration';
import { envName } from '../env-name';
import { eventCatalogue, type BaseEnvelope, type EnvelopeOf } from '../events/envelope';

/** A declaration that does not hold together: caught when the topology is derived (the unit tier does). */
export class SagaDeclarationError extends Error {
  constructor(readonly problems: string[]) {
    super(`The saga declaration does not hold together:\n- ${problems.join('\n- ')}`);
    this.name = 'SagaDeclarationError';
  }
}

/** A consumer's name, the types it accepts and how to read them, as the consumer middleware takes them. */
export interface Subscription<E extends BaseEnvelope = BaseEnvelope> {
  consumer: string;
  accepts: readonly E['type'][];
  parse: (input: unknown) => BaseEnvelope;
  /** The field of every event's data that names its aggregate (checked against `aggregateId`). */
  idField: string;
}

export interface RulePattern {
  source: string[];
  'detail-type': string[];
}

/** What an event means to the saga's keeper. */
export type StepEvent =
  | { kind: 'succeeded' | 'failed'; step: StepDeclaration<string, string>; last: boolean }
  | { kind: 'compensated'; step: StepDeclaration<string, string>; compensation: NonNullable<StepDeclaration<string, string>['compensation']> };


/**
 * Everything derived from a saga's declaration: who consumes what, the rules that deliver it, the
 * services with an outbox and an inbox, the audit trail's step names, the compensation steps and
 * what each event means to the keeper. Checks that the declaration holds together (each step's
 * consumer subscribes to the event before it, each compensation's to the cancellation, the keeper
 * to every answer, every type owned by a declared service) and throws `SagaDeclarationError` if not.
 */
export const sagaTopology = <D extends SagaDeclaration>(saga: D) => {
  type Consumer = Extract<keyof D['consumers'], string>;
  type Service = Extract<keyof D['services'], string>;
  type Type = Extract<keyof D['contracts'], string>;
  const consumers = saga.consumers as Record<Consumer, D['consumers'][Consumer]>;
  const consumerNames = Object.keys(consumers) as Consumer[];
  const serviceNames = Object.keys(saga.services) as Service[];
  const eventTypes = Object.keys(saga.contracts) as Type[];
  const sourceOfService = (service: string): string | undefined => (saga.services as Record<string, { source?: string }>)[service]?.source;
  const ownerOf = (type: string): Service | undefined => serviceNames.find((s) => sourceOfService(s) === saga.contracts[type]?.source);
  const catalogue = eventCatalogue(saga.contracts as D['contracts']);
  type Accepted<C extends Consumer> = { [T in D['consumers'][C]['on'][number] & Type]: EnvelopeOf<D['contracts'], T> }[D['consumers'][C]['on'][number] & Type];
  const subscriptionOf = <C extends Consumer>(consumer: C): Subscription<Accepted<C>> => ({
    consumer,
    accepts: consumers[consumer].on as readonly Accepted<C>['type'][],
    parse: catalogue.parse,
    idField: saga.aggregate.idField,
  });
  const consumersOf = (type: string): Consumer[] => consumerNames.filter((c) => (consumers[c].on as readonly string[]).includes(type));
  const serviceOf = (consumer: string): Service => (consumers as unknown as Record<string, { service: Service }>)[consumer]!.service;
  const compensations = saga.steps.flatMap((step) => (step.compensation ? [step.compensation] : []));

  const problems: string[] = [];
  const subscribes = (consumer: string, type: string, why: string) => {
    if (!(consumers as Record<string, { on: readonly string[] }>)[consumer]?.on.includes(type)) problems.push(`${consumer} must subscribe to ${type} (${why})`);
  };
  const ownedBy = (type: string, service: string, why: string) => {
    if (ownerOf(type) !== service) problems.push(`${type} must be owned by ${service} (${why}), not ${ownerOf(type) ?? 'nobody'}`);
  };
  for (const type of eventTypes) if (!ownerOf(type)) problems.push(`${type} has source ${saga.contracts[type]!.source}, which no declared service has`);
  saga.steps.forEach((step, i) => {
    const trigger = i === 0 ? saga.starts : saga.steps[i - 1]!.succeeded;
    subscribes(step.by, trigger, `step ${step.name} follows it`);
    for (const type of [step.succeeded, step.failed]) {
      ownedBy(type, serviceOf(step.by), `${step.by} takes step ${step.name}`);
      subscribes(saga.keeper.consumer, type, `the keeper records step ${step.name}`);
    }
    if (step.compensation) {
      subscribes(step.compensation.by, saga.ends.cancelled, `it compensates ${step.name}`);
      ownedBy(step.compensation.answer, serviceOf(step.compensation.by), `${step.compensation.by} compensates ${step.name}`);
      subscribes(saga.keeper.consumer, step.compensation.answer, `the keeper records ${step.compensation.name}`);
    }
  });
  for (const type of [saga.starts, saga.ends.confirmed, saga.ends.cancelled]) ownedBy(type, saga.keeper.service, 'the keeper starts and ends the saga');
  if (serviceOf(saga.keeper.consumer) !== saga.keeper.service) problems.push(`the keeper's consumer ${saga.keeper.consumer} must belong to ${saga.keeper.service}`);
  const stepNames = ['created', ...saga.steps.map((s) => s.name), 'confirmation', 'cancellation', ...compensations.map((c) => c.name), 'timeout'];
  if (new Set(stepNames).size !== stepNames.length) problems.push(`step names must be unique: ${stepNames.join(', ')}`);
  for (const c of consumerNames) {
    const tables = Object.values(saga.services[serviceOf(c)]?.tables ?? {});
    if (!saga.services[serviceOf(c)]) problems.push(`${c} belongs to ${serviceOf(c)}, which is not declared`);
    for (const table of Object.keys(consumers[c].access)) if (!tables.includes(table)) problems.push(`${c} accesses ${table}, which is not a table of ${serviceOf(c)}`);
    for (const type of consumers[c].on) if (!saga.contracts[type]) problems.push(`${c} subscribes to ${type}, which has no contract`);
  }
  if (problems.length) throw new SagaDeclarationError(problems);

  /** What `type` means to the keeper: a step succeeded or failed, or a compensation was recorded. */
  const stepEventOf = (type: string): StepEvent | undefined => {
    for (const [i, step] of saga.steps.entries()) {
      if (type === step.succeeded) return { kind: 'succeeded', step, last: i === saga.steps.length - 1 };
      if (type === step.failed) return { kind: 'failed', step, last: i === saga.steps.length - 1 };
      if (step.compensation && type === step.compensation.answer) return { kind: 'compensated', step, compensation: step.compensation };
    }
    return undefined;
  };

  return {
    saga,
    catalogue,
    consumerNames,
    serviceNames,
    eventTypes,
    /** Services that own events, so have an outbox (and a forwarder and a sweeper). */
    emitters: serviceNames.filter((s) => sourceOfService(s) !== undefined),
    /** Services with at least one consumer, so have an inbox. */
    receivers: serviceNames.filter((s) => consumerNames.some((c) => serviceOf(c) === s)),
    sourceOf: (service: string): string | undefined => sourceOfService(service),
    /** The service that owns a source (`saga.billing` → `billing`), undefined for a source nobody owns. */
    serviceOfSource: (source: string): Service | undefined => serviceNames.find((s) => sourceOfService(s) === source),
    ownerOf,
    serviceOf,
    consumersOf,
    consumersIn: (service: string): Consumer[] => consumerNames.filter((c) => serviceOf(c) === service),
    /** What a consumer's plumbing needs: an outbox if its service owns events; the repeat of its replies if it compensates. */
    plumbingOf: (consumer: Consumer): { emits: boolean; repeatsReplies: boolean } => ({
      emits: sourceOfService(serviceOf(consumer)) !== undefined,
      repeatsReplies: Boolean((consumers as unknown as Record<string, { repeatsReplies?: boolean }>)[consumer]!.repeatsReplies),
    }),
    subscriptionOf,
    /**
     * The EventBridge patterns that deliver exactly a consumer's subscription: one per owning
     * source, each matching `source` AND `detail-type`, so an event is accepted only from its owner.
     */
    rulePatterns: (consumer: string): RulePattern[] => {
      const bySource = new Map<string, string[]>();
      for (const type of (consumers as Record<string, { on: readonly string[] }>)[consumer]!.on) {
        const owner = saga.contracts[type]!.source;
        bySource.set(owner, [...(bySource.get(owner) ?? []), type]);
      }
      return [...bySource].map(([source, types]) => ({ source: [source], 'detail-type': types }));
    },
    /** The audit trail's steps: created, the forward steps, the ending ones, the compensations, timeout. */
    stepNames,
    /** The saga's `currentStep` values, in the order a saga reaches them. */
    currentSteps: ['CREATED', ...saga.steps.map((s) => s.reached), 'CONFIRMED', 'CANCELLED'],
    /** Steps the keeper records about its own events, not in reaction to a consumed one. */
    ownSteps: ['created', 'confirmation', 'cancellation', 'timeout'],
    compensations,
    compensationSteps: compensations.map((c) => c.name),
    compensationConsumers: compensations.map((c) => c.by),
    /** The consumers of the confirmation, none of which answers: the watchdog checks each has it. */
    deliveryConsumers: consumersOf(saga.ends.confirmed),
    stepEventOf,
    /** `releaseStock` → `RELEASE_STOCK`; `billing` → `BILLING`: how names appear in environment variables. */
    envName,
  };
};

export type SagaTopology = ReturnType<typeof sagaTopology>;
