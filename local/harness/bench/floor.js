'use strict';
/**
 * The floor of one hop, and the saga's overhead over it. A hop is an outbox row's commit to the
 * start of the consumer that moves the saga on (its marker's `startedAt`): the stream record read,
 * the forwarder's `PutEvents`, the bus's delivery and the consumer starting, with none of the
 * consumers' own work in it. The saga's critical path is the declaration's: the event that starts
 * it, then each step's success, each to the next step's consumer (the last to the keeper).
 */
const { summarize } = require('./stats');

/** `[{ type, consumer }]`: the hops a confirmed saga waits for, in order. */
const criticalPath = (saga) => [
  { type: saga.starts, consumer: saga.steps[0].by },
  ...saga.steps.map((step, i) => ({ type: step.succeeded, consumer: saga.steps[i + 1]?.by ?? saga.keeper.consumer })),
];

/**
 * @param {{ saga: any, rows: { id: string, type: string, createdAt: number }[], markers: { eventId: string, consumer: string, startedAt?: string }[], sagaP50Ms: number | null }} input
 * @returns {{ hopMs: number | null, hop: ReturnType<typeof summarize>, hopsPerSaga: number, overheadMs: number | null, byType: Record<string, number | null> }}
 */
const hopFloor = ({ saga, rows, markers, sagaP50Ms }) => {
  const path = criticalPath(saga);
  const rowsById = new Map(rows.map((r) => [r.id, r]));
  const byType = {};
  const all = [];
  for (const { type, consumer } of path) {
    const samples = markers
      .filter((m) => m.consumer === consumer && m.startedAt && rowsById.get(m.eventId)?.type === type)
      .map((m) => Date.parse(m.startedAt) - rowsById.get(m.eventId).createdAt);
    byType[`${type} → ${consumer}`] = summarize(samples).p50;
    all.push(...samples);
  }
  const hop = summarize(all);
  const hopMs = hop.p50;
  return {
    hopMs,
    hop,
    hopsPerSaga: path.length,
    // What the saga takes beyond its hops' floor: the consumers' own work (their transactions).
    overheadMs: hopMs === null || sagaP50Ms === null || sagaP50Ms === undefined ? null : Math.round(sagaP50Ms - path.length * hopMs),
    byType,
  };
};

module.exports = { criticalPath, hopFloor };
