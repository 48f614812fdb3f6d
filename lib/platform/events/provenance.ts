import { EventProvenanceError, type ErrorDetail } from '../errors';
import type { BaseEnvelope } from './envelope';

/** What the bus says about an event it delivers: who put it (`source`) and what it is (`detail-type`). */
export interface BusProvenance {
  source: unknown;
  detailType: unknown;
}

/**
 * An envelope is believed only if it agrees with the bus event that carried it. EventBridge rules
 * (and IAM's `events:source` condition on every publisher) work on the bus event's `source` and
 * `detail-type`; the consumer acts on the envelope. Were they allowed to differ, a role allowed to
 * publish as one service could carry another's event inside a delivery of its own type. The owner
 * of each type (its contract) is checked against the envelope's source by the catalogue's `parse`;
 * here the envelope must also be about the aggregate its data names (`data[idField]`).
 */
export const checkProvenance = (bus: BusProvenance, envelope: BaseEnvelope, idField: string): void => {
  const details: ErrorDetail[] = [];
  if (bus.source !== envelope.source) details.push({ path: 'source', message: `bus source ${JSON.stringify(bus.source)} is not the envelope's ${envelope.source}` });
  if (bus.detailType !== envelope.type) details.push({ path: 'type', message: `bus detail-type ${JSON.stringify(bus.detailType)} is not the envelope's ${envelope.type}` });
  const named = (envelope.data as Record<string, unknown> | null)?.[idField];
  if (envelope.aggregateId !== named) {
    details.push({ path: 'aggregateId', message: `aggregateId ${envelope.aggregateId} is not data.${idField} ${String(named)}` });
  }
  if (details.length) throw new EventProvenanceError(`Provenance check failed for "${envelope.type}": ${details.map((d) => d.message).join('; ')}`, details);
};
