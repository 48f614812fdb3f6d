import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventSchemaError } from '../errors';
import { issueDetails } from '../validation';
import type { Contract, Contracts } from '../saga/declaration';

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

/** An envelope of some saga's event, as the platform handles it without knowing the saga's types. */
export interface BaseEnvelope {
  id: string;
  type: string;
  source: string;
  time: string;
  aggregateId: string;
  sequence: number;
  correlationId: string;
  causationId: string | null;
  version: number;
  data: unknown;
}

/** An envelope of type `T` of the contracts `C`, its data typed by the contract. */
export type EnvelopeOf<C extends Contracts, T extends keyof C & string> = Omit<BaseEnvelope, 'type' | 'source' | 'data'> & {
  type: T;
  source: C[T]['source'];
  data: z.infer<C[T]['data']>;
};
/** Any envelope of `C`, discriminated by `type`. */
export type AnyEnvelopeOf<C extends Contracts> = { [T in keyof C & string]: EnvelopeOf<C, T> }[keyof C & string];

export interface NewEvent<C extends Contracts, T extends keyof C & string> {
  type: T;
  aggregateId: string;
  sequence: number;
  correlationId: string;
  causationId: string | null;
  data: z.infer<C[T]['data']>;
}

/** Every version of a contract a consumer accepts, oldest first; the last is the one producers write. */
export const versionsOf = (contract: Contract): number[] => [...Object.keys(contract.older ?? {}).map(Number), contract.version].sort((a, b) => a - b);

/**
 * Validates an envelope and its data against the contract of its type. Used on write and on read.
 * An older version the contract still lists is validated against its own schema and upcast to the
 * current one, so a consumer always handles current data; a version the contract does not know is
 * an EventSchemaError (the consumer dead-letters it).
 */
export const parseWith = (contracts: Contracts, input: unknown): BaseEnvelope => {
  const base = envelopeSchema.safeParse(input);
  if (!base.success) throw new EventSchemaError('Invalid event envelope', issueDetails(base.error.issues));
  const { type, source, version } = base.data;
  if (!Object.hasOwn(contracts, type)) throw new EventSchemaError(`Unknown event type "${type}"`, [{ path: 'type', message: 'unknown' }]);
  const contract = contracts[type]!;
  if (source !== contract.source) {
    throw new EventSchemaError(`Event type "${type}" is owned by ${contract.source}, not ${source}`, [{ path: 'source', message: `expected ${contract.source}` }]);
  }
  let raw = base.data.data;
  if (version !== contract.version) {
    const older = Object.hasOwn(contract.older ?? {}, version) ? contract.older![version] : undefined;
    if (!older) {
      throw new EventSchemaError(`Unsupported version ${version} of "${type}"`, [{ path: 'version', message: `expected ${versionsOf(contract).join(' or ')}` }]);
    }
    const old = older.data.safeParse(raw);
    if (!old.success) throw new EventSchemaError(`Invalid data for "${type}" version ${version}`, issueDetails(old.error.issues, { prefix: 'data' }));
    raw = older.upcast(old.data as never);
  }
  const data = contract.data.safeParse(raw);
  if (!data.success) throw new EventSchemaError(`Invalid data for "${type}"`, issueDetails(data.error.issues, { prefix: 'data' }));
  return { ...base.data, version: contract.version, data: data.data };
};

/**
 * The contract registry of one saga: parse (validate and upcast) and create envelopes of its
 * types, typed by its contracts. The saga's declaration builds it once; the platform takes `parse`
 * where it reads events it does not know the types of.
 */
export const eventCatalogue = <const C extends Contracts>(contracts: C) => {
  type T = keyof C & string;
  const parse = (input: unknown): AnyEnvelopeOf<C> => parseWith(contracts, input) as AnyEnvelopeOf<C>;
  /** Builds a validated envelope with a fresh id; the source and version come from the contract. */
  const create = <K extends T>(event: NewEvent<C, K>, now: Date = new Date()): EnvelopeOf<C, K> => {
    const contract = contracts[event.type]!;
    return parse({
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
    }) as unknown as EnvelopeOf<C, K>;
  };
  /** An event raised in reaction to another: same saga (correlation), caused by `cause`. */
  const reactTo = <K extends T>(cause: BaseEnvelope, type: K, data: z.infer<C[K]['data']>, sequence: number, now: Date): EnvelopeOf<C, K> =>
    create({ type, aggregateId: cause.aggregateId, sequence, correlationId: cause.correlationId, causationId: cause.id, data }, now);
  return {
    contracts,
    types: Object.keys(contracts) as T[],
    parse,
    create,
    reactTo,
    knownVersions: (type: T): number[] => versionsOf(contracts[type]!),
  };
};
export type EventCatalogue = ReturnType<typeof eventCatalogue<Contracts>>;
