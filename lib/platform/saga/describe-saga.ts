import { NotFoundError } from '../errors';
import type { SagaTopology } from './topology';
import type { SagaState } from './state';
import type { Clock, DeadLetterRecord, DeadLetters, EventLog, ProcessedEvents, ProcessedRecord, RecordedEvent } from '../ports';

type ConsumerName = string;

/** One consumer's handling of one event: processed (with when), or still awaited. */
export interface TimelineDelivery {
  consumer: ConsumerName;
  service: string;
  status: 'processed' | 'waiting';
  startedAt?: string;
  processedAt?: string;
  /** published → the consumer started (the bus and the invocation). */
  deliveryMs?: number;
  /** the consumer started → its transaction committed. */
  processingMs?: number;
  duplicatesSkipped: number;
}

export interface TimelineEvent {
  id: string;
  type: string;
  producer: string;
  source: string;
  sequence: number;
  causationId: string | null;
  committedAt: string;
  publishedAt?: string;
  publishedBy?: string;
  /** committed → accepted by the bus. */
  outboxLagMs?: number;
  unpublishableReason?: string;
  consumers: TimelineDelivery[];
}

/** One step of the choreography: an event, the consumer it reached, and the event that consumer raised. */
export interface TimelineHop {
  from: { eventId: string; type: string };
  to: { eventId: string; type: string };
  via: ConsumerName;
  /** The cause committed → the effect committed, with its three parts. */
  latencyMs: number;
  outboxLagMs?: number;
  deliveryMs?: number;
  processingMs?: number;
}

export type Waiting =
  | { kind: 'publication'; eventId: string; type: string; since: string; what: string }
  | { kind: 'consumer'; consumer: ConsumerName; eventId: string; type: string; since: string; what: string }
  | { kind: 'watchdog'; since: string; what: string }
  | { kind: 'record'; sequence: number; what: string };

export interface SagaTimeline {
  orderId: string;
  sagaId: string;
  status: string;
  reason?: string;
  currentStep?: SagaState['currentStep'];
  startedAt: string;
  completedAt?: string;
  deadline: string;
  /** Created → confirmed or cancelled; for a running saga, created → now. */
  durationMs: number;
  /** Ended, and every consumer has processed every event (compensation included). */
  finished: boolean;
  compensation: { required: boolean; reason?: string };
  events: TimelineEvent[];
  hops: TimelineHop[];
  duplicatesSkipped: number;
  deadLetters: DeadLetterRecord[];
  waitingFor: Waiting[];
  steps: SagaState['steps'];
}

/** The aggregate a saga is about, as its keeper stores it. `PENDING` while the saga runs. */
export interface KeptAggregate {
  sagaId: string;
  status: string;
  reason?: string;
  /** The sequence of the last event the keeper committed with it. */
  version: number;
  deadline: string;
  createdAt: string;
}

export interface DescribeSagaDeps {
  topology: Pick<SagaTopology, 'consumersOf' | 'serviceOf' | 'serviceOfSource'> & { saga: { keeper: { service: string }; aggregate: { name: string } } };
  /** Reads `{ "<idField>": "..." }` (a ValidationError otherwise). */
  parseReference: (input: unknown) => { orderId: string };
  /** The aggregate, then its saga by the aggregate's `sagaId`: both strongly consistent reads of the keeper's tables, no index. */
  keeper: { getOrder(orderId: string): Promise<KeptAggregate | undefined>; getSaga(sagaId: string): Promise<SagaState | undefined> };
  events: EventLog;
  processed: ProcessedEvents;
  deadLetters: DeadLetters;
  clock: Clock;
}

const ms = (from: string | undefined, to: string | undefined): number | undefined =>
  from && to ? Date.parse(to) - Date.parse(from) : undefined;

/**
 * Causal order: every event after the event that caused it, siblings and independent roots (the
 * order's creation, a watchdog's cancellation) by commit time. Causation, not clocks, decides
 * first: each service stamps its own events with its own clock.
 */
export const causalOrder = <E extends Pick<RecordedEvent, 'id' | 'causationId' | 'committedAt' | 'sequence'>>(events: E[]): E[] => {
  const byTime = [...events].sort((a, b) => a.committedAt.localeCompare(b.committedAt) || a.sequence - b.sequence);
  const ids = new Set(events.map((e) => e.id));
  const children = new Map<string, E[]>();
  const roots: E[] = [];
  for (const event of byTime) {
    if (event.causationId && ids.has(event.causationId) && event.causationId !== event.id) {
      children.set(event.causationId, [...(children.get(event.causationId) ?? []), event]);
    } else roots.push(event);
  }
  const ordered: E[] = [];
  const seen = new Set<string>();
  const visit = (event: E) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    ordered.push(event);
    (children.get(event.id) ?? []).forEach(visit);
  };
  roots.forEach(visit);
  byTime.forEach(visit); // a causation cycle (never written by this system) still lists every event
  return ordered;
};

const MAX_READS = 5;

/**
 * Events and markers as one picture. A marker commits together with the events its consumer
 * raised, so a marker read after the events may vouch for an event the first read missed: the
 * events are read again after the markers until nothing new appears. `settled` is false when the
 * saga kept moving through every attempt.
 */
const consistentRead = async (orderId: string, deps: Pick<DescribeSagaDeps, 'events' | 'processed' | 'topology'>) => {
  const keysOf = (events: RecordedEvent[]) => events.flatMap((event) => deps.topology.consumersOf(event.type).map((consumer) => ({ consumer, eventId: event.id })));
  let recorded = await deps.events.eventsOf(orderId);
  for (let attempt = 1; ; attempt += 1) {
    const markers = await deps.processed.find(keysOf(recorded));
    const known = new Set(recorded.map((e) => e.id));
    const again = await deps.events.eventsOf(orderId);
    const grew = again.some((e) => !known.has(e.id));
    if (!grew) return { recorded: again.filter((e) => known.has(e.id)), markers, settled: true };
    recorded = again;
    if (attempt === MAX_READS) return { recorded, markers: await deps.processed.find(keysOf(recorded)), settled: false };
  }
};

/**
 * The saga's timeline, read from what the pipeline recorded: each event in causal order with its
 * producer, commit and publication (and by which path), every consumer that had to process it and
 * when it did, the hops between them, duplicates skipped, dead letters, and what the saga still
 * waits for. Reads only.
 */
export const describeSaga = async (input: unknown, deps: DescribeSagaDeps): Promise<SagaTimeline> => {
  const { orderId } = deps.parseReference(input);
  const { consumersOf, serviceOf, serviceOfSource } = deps.topology;
  const keeper = deps.topology.saga.keeper.service;
  const { recorded, markers, settled } = await consistentRead(orderId, deps);
  // Read after the events: the order is at least as new as they are (see the 'record' check below).
  const [order, deadLetters] = await Promise.all([deps.keeper.getOrder(orderId), deps.deadLetters.findByAggregate(orderId)]);
  if (!order) throw new NotFoundError(deps.topology.saga.aggregate.name.replace(/^./, (c) => c.toUpperCase()), orderId);
  const saga = await deps.keeper.getSaga(order.sagaId);
  const now = deps.clock();

  const ordered = causalOrder(recorded);
  const markerOf = new Map<string, ProcessedRecord>(markers.map((m) => [`${m.consumer}#${m.eventId}`, m]));

  const events: TimelineEvent[] = ordered.map((event) => ({
    id: event.id,
    type: event.type,
    producer: serviceOfSource(event.source) ?? event.source,
    source: event.source,
    sequence: event.sequence,
    causationId: event.causationId,
    committedAt: event.committedAt,
    ...(event.publishedAt ? { publishedAt: event.publishedAt, publishedBy: event.publishedBy, outboxLagMs: ms(event.committedAt, event.publishedAt) } : {}),
    ...(event.unpublishableReason ? { unpublishableReason: event.unpublishableReason } : {}),
    consumers: consumersOf(event.type).map((consumer): TimelineDelivery => {
      const marker = markerOf.get(`${consumer}#${event.id}`);
      if (!marker) return { consumer, service: serviceOf(consumer), status: 'waiting', duplicatesSkipped: 0 };
      return {
        consumer,
        service: serviceOf(consumer),
        status: 'processed',
        startedAt: marker.startedAt,
        processedAt: marker.processedAt,
        deliveryMs: ms(event.publishedAt, marker.startedAt),
        processingMs: ms(marker.startedAt, marker.processedAt),
        duplicatesSkipped: marker.duplicates,
      };
    }),
  }));

  const byId = new Map(events.map((e) => [e.id, e]));
  const hops: TimelineHop[] = events.flatMap((effect) => {
    const cause = effect.causationId ? byId.get(effect.causationId) : undefined;
    if (!cause) return [];
    // The effect was committed by the consumer of the cause that belongs to the effect's producer.
    const via = cause.consumers.find((c) => c.service === effect.producer);
    if (!via) return [];
    return [
      {
        from: { eventId: cause.id, type: cause.type },
        to: { eventId: effect.id, type: effect.type },
        via: via.consumer,
        latencyMs: Date.parse(effect.committedAt) - Date.parse(cause.committedAt),
        outboxLagMs: cause.outboxLagMs,
        deliveryMs: via.deliveryMs,
        processingMs: via.processingMs,
      },
    ];
  });

  const waitingFor: Waiting[] = events.flatMap((event): Waiting[] => {
    if (event.unpublishableReason) {
      // Kept pending, never dropped: it waits for a person to fix the row (the outbox alarm is on).
      return [{ kind: 'publication', eventId: event.id, type: event.type, since: event.committedAt, what: `someone to fix the ${event.producer} outbox row of ${event.type}: ${event.unpublishableReason}` }];
    }
    if (!event.publishedAt) {
      return [{ kind: 'publication', eventId: event.id, type: event.type, since: event.committedAt, what: `the ${event.producer} outbox relay to publish ${event.type}` }];
    }
    return event.consumers
      .filter((c) => c.status === 'waiting')
      .map((c) => ({ kind: 'consumer', consumer: c.consumer, eventId: event.id, type: event.type, since: event.publishedAt!, what: `${c.consumer} (${c.service}) to process ${event.type}` }));
  });
  // The order and its last event commit together, but the reads are separate (and the outbox index
  // is eventually consistent on AWS): until that event is visible, the story is not complete.
  const keeperSide = events.filter((e) => e.producer === keeper).map((e) => e.sequence);
  if (Math.max(0, ...keeperSide) < order.version) {
    waitingFor.push({ kind: 'record', sequence: order.version, what: `the ${keeper} outbox to show event #${order.version} of ${deps.topology.saga.aggregate.name} ${orderId} (committed with its state)` });
  }
  if (order.status === 'PENDING' && Date.parse(order.deadline) <= now.getTime()) {
    waitingFor.push({ kind: 'watchdog', since: order.deadline, what: `the saga watchdog: the deadline ${order.deadline} has passed` });
  }

  const completedAt = saga?.completedAt;
  return {
    orderId,
    sagaId: order.sagaId,
    status: order.status,
    ...(order.reason ? { reason: order.reason } : {}),
    ...(saga ? { currentStep: saga.currentStep } : {}),
    startedAt: order.createdAt,
    ...(completedAt ? { completedAt } : {}),
    deadline: order.deadline,
    durationMs: (completedAt ? Date.parse(completedAt) : now.getTime()) - Date.parse(order.createdAt),
    finished: settled && order.status !== 'PENDING' && waitingFor.length === 0,
    compensation: { required: saga?.compensationRequired ?? order.status === 'CANCELLED', ...(saga?.compensationReason ? { reason: saga.compensationReason } : {}) },
    events,
    hops,
    duplicatesSkipped: events.reduce((sum, e) => sum + e.consumers.reduce((n, c) => n + c.duplicatesSkipped, 0), 0),
    deadLetters,
    waitingFor,
    steps: saga?.steps ?? {},
  };
};
