import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventSchemaError } from '../errors';
import { issueDetails } from '../validation';
import { contractOf, contracts, knownVersions, type EventDataOf, type EventSource, type EventType } from '../../services/contracts';

/**
 * The envelope every event travels in. `id` is assigned once, when the event is written to an
 * outbox, and survives every re-publication (stream retry, sweeper, replay): consumers deduplicate
 * on it, never on EventBridge's own per-put event id.
 */
export const envelopeSchema = z
  .object({
    id: z.string().uuid(),
    type: z.string().min(1),
    source: z.string().min(1),
    time: z.string().datetime({ offset: true }),
    aggregateId: z.string().min(1),
    sequence: z.number().int().positive(),
    correlationId: z.string().min(1),
    causationId: z.string().min(1).nullable(),
    version: z.number().int().positive(),
    data: z.unknown(),
  })
  .strict();

export interface Envelope<T extends EventType = EventType> {
  id: string;
  type: T;
  source: EventSource;
  time: string;
  aggregateId: string;
  sequence: number;
  correlationId: string;
  causationId: string | null;
  version: number;
  data: EventDataOf<T>;
}

export type AnyEnvelope = { [T in EventType]: Envelope<T> }[EventType];

/**
 * Validates an envelope and its data against the contract of its type. Used on write and on read.
 * An older version the contract still lists is validated against its own schema and upcast to the
 * current one, so a consumer always handles current data; a version the contract does not know is
 * an EventSchemaError (the consumer dead-letters it).
 */
export const parseEnvelope = (input: unknown): AnyEnvelope => {
  const base = envelopeSchema.safeParse(input);
  if (!base.success) throw new EventSchemaError('Invalid event envelope', issueDetails(base.error.issues));
  const { type, source, version } = base.data;
  if (!Object.hasOwn(contracts, type)) throw new EventSchemaError(`Unknown event type "${type}"`, [{ path: 'type', message: 'unknown' }]);
  const contract = contractOf(type as EventType);
  if (source !== contract.source) {
    throw new EventSchemaError(`Event type "${type}" is owned by ${contract.source}, not ${source}`, [
      { path: 'source', message: `expected ${contract.source}` },
    ]);
  }
  let raw = base.data.data;
  if (version !== contract.version) {
    const older = Object.hasOwn(contract.older ?? {}, version) ? contract.older![version] : undefined;
    if (!older) {
      throw new EventSchemaError(`Unsupported version ${version} of "${type}"`, [
        { path: 'version', message: `expected ${knownVersions(type as EventType).join(' or ')}` },
      ]);
    }
    const old = older.data.safeParse(raw);
    if (!old.success) throw new EventSchemaError(`Invalid data for "${type}" version ${version}`, issueDetails(old.error.issues, { prefix: 'data' }));
    raw = older.upcast(old.data as never);
  }
  const data = contract.data.safeParse(raw);
  if (!data.success) throw new EventSchemaError(`Invalid data for "${type}"`, issueDetails(data.error.issues, { prefix: 'data' }));
  return { ...base.data, version: contract.version, data: data.data } as AnyEnvelope;
};

export interface NewEvent<T extends EventType> {
  type: T;
  aggregateId: string;
  sequence: number;
  correlationId: string;
  causationId: string | null;
  data: EventDataOf<T>;
}

/** Builds a validated envelope with a fresh id; the source and version come from the contract. */
export const createEnvelope = <T extends EventType>(event: NewEvent<T>, now: Date = new Date()): Envelope<T> => {
  const contract = contracts[event.type];
  const envelope = {
    id: randomUUID(),
    type: event.type,
    source: contract.source,
    time: now.toISOString(),
    aggregateId: event.aggregateId,
    sequence: event.sequence,
    correlationId: event.correlationId,
    causationId: event.causationId,
    version: contract.version,
    data: event.data,
  };
  return parseEnvelope(envelope) as unknown as Envelope<T>;
};
