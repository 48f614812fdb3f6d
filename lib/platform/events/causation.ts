import { createEnvelope, type AnyEnvelope, type Envelope } from './envelope';
import type { EventDataOf, EventType } from '../../services/contracts';

/** An event raised in reaction to another: same saga (correlation), caused by `cause`. */
export const reactTo = <T extends EventType>(
  cause: AnyEnvelope,
  type: T,
  data: EventDataOf<T>,
  sequence: number,
  now: Date,
): Envelope<T> =>
  createEnvelope({ type, aggregateId: cause.aggregateId, sequence, correlationId: cause.correlationId, causationId: cause.id, data }, now);
