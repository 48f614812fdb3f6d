import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../../config';
import { eventHandler } from '../../middleware/event';
import { forwardStreamRecords } from './forward-stream-records';
import { sweepRepeatedly, type SweepResult } from './sweep-outbox';
import { outboxDeps } from './wiring';

/** Handler factories shared by each service's `outbox-forwarder` and `outbox-sweeper` functions. */
export const outboxForwarderHandler = () => {
  const deps = outboxDeps();
  return eventHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>((event) => forwardStreamRecords(event.Records, deps));
};

export const outboxSweeperHandler = () => {
  const deps = { ...outboxDeps(), graceMs: config.sweepGraceSeconds() * 1000 };
  const sweepsPerRun = config.sweepsPerRun();
  const intervalMs = config.sweepIntervalSeconds() * 1000;
  // The schedule sweeps `SWEEPS_PER_RUN` times; an operator (or a test) can invoke it by hand with
  // `{"sweeps": 1}` to sweep once, now.
  return eventHandler<{ sweeps?: unknown } | null, { sweeps: SweepResult[] }>(async (event) => ({
    sweeps: await sweepRepeatedly(deps, {
      sweeps: typeof event?.sweeps === 'number' && event.sweeps >= 1 ? Math.min(event.sweeps, 10) : sweepsPerRun,
      intervalMs,
    }),
  }));
};
