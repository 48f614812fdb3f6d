import type { z } from 'zod';
import { eventCatalogue, type AnyEnvelopeOf, type EnvelopeOf, type NewEvent as NewEventOf } from '../platform/events/envelope';
import type { OlderVersion } from '../platform/saga/declaration';
import { saga } from './saga';

export { MAX_ORDER_LINES, country } from './schemas';

/**
 * Every event type's contract, as each service declares its own (`lib/services/<service>/events.ts`)
 * and the saga's declaration gathers them: owner, the current schema version, the schema of
 * `data`, and the older versions consumers still accept (`older`: version → schema + upcaster to
 * the current one). Producers always write the current version; consumers accept every version
 * listed and dead-letter any other. How to evolve a type safely: docs/contracts.md, "Evolving an event".
 */
export const contracts = saga.contracts;

/** The services that own events, by name. The EventBridge `Source` of an event is its owner. */
export const sources = Object.fromEntries(Object.entries(saga.services).flatMap(([name, s]) => ('source' in s ? [[name, s.source]] : []))) as {
  [S in keyof typeof saga.services as (typeof saga.services)[S] extends { source: string } ? S : never]: (typeof saga.services)[S] extends { source: infer X } ? X : never;
};
export type EventSource = (typeof contracts)[keyof typeof contracts]['source'];

export type EventType = keyof typeof contracts;
export type EventDataOf<T extends EventType> = z.infer<(typeof contracts)[T]['data']>;
export const eventTypes = Object.keys(contracts) as EventType[];

// Every contract must have the platform's shape; checked here, once, at compile time.
const _shapeCheck: Record<EventType, { source: EventSource; version: number; data: z.ZodTypeAny; older?: Readonly<Record<number, OlderVersion<unknown>>> }> = contracts;
void _shapeCheck;

/** The example's contract registry: parse, create and react with envelopes of its types. */
export const catalogue = eventCatalogue(contracts);
export const { parse: parseEnvelope, create: createEnvelope, reactTo, knownVersions } = catalogue;
export type Envelope<T extends EventType = EventType> = EnvelopeOf<typeof contracts, T>;
export type AnyEnvelope = AnyEnvelopeOf<typeof contracts>;
export type NewEvent<T extends EventType> = NewEventOf<typeof contracts, T>;
