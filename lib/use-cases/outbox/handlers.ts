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
  return eventHandler<unknown, { sweeps: SweepResult[] }>(async () => ({
    sweeps: await sweepRepeatedly(deps, { sweeps: config.sweepsPerRun(), intervalMs: config.sweepIntervalSeconds() * 1000 }),
  }));
};
