'use strict';
/**
 * The keeper's processed markers: its saga's step records. A step made by a consumed event records
 * that event's id (and when the keeper started on it), and the keeper's write refuses the same
 * event twice, so the step is the marker and the keeper writes no other. This gives them in the
 * shape of an inbox marker, for the readers of markers (verify, the bench, chaos).
 * @param {{ steps?: Record<string, { eventId?: string, startedAt?: string, timestamp: string, duplicates?: number }> }[]} sagas
 * @param {{ keeper: string, ownSteps: readonly string[] }} opts the keeper's consumer, the steps it records about its own events
 */
const keeperMarkers = (sagas, { keeper, ownSteps }) =>
  sagas.flatMap((saga) =>
    Object.entries(saga.steps ?? {})
      .filter(([name, step]) => !ownSteps.includes(name) && step?.eventId)
      .map(([, step]) => ({
        pk: `${keeper}#${step.eventId}`,
        consumer: keeper,
        eventId: step.eventId,
        ...(step.startedAt ? { startedAt: step.startedAt } : {}),
        processedAt: step.timestamp,
        duplicates: step.duplicates ?? 0,
      })),
  );

module.exports = { keeperMarkers };
