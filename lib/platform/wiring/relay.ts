import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { LambdaSweeperTrigger } from '../adapters/lambda/sweeper-trigger';
import { SqsSweepTicks } from '../adapters/sqs/sweep-ticks';
import { dynamoDbClient } from '../adapters/dynamodb/client';
import { config } from '../../config';
import type { SagaTopology } from '../saga/topology';
import { eventHandler } from '../middleware/event';
import { EventBridgePublisher } from '../relay/eventbridge-publisher';
import { forwardStreamRecords } from '../relay/forwarder';
import { publishOutboxRows } from '../relay/publish-rows';
import type { EventRepublisher } from '../ports';
import { OutboxStore } from '../relay/outbox-store';
import { replayEvents } from '../relay/replay';
import { sweepClockTick } from '../relay/sweep-clock';
import { sweepRepeatedly, type SweepResult } from '../relay/sweeper';

/** Composition root of the outbox relay: every service's outbox is relayed by the same code; only its environment differs. */
const publisher = () => new EventBridgePublisher(new EventBridgeClient({}), { busName: config.eventBusName() });

const outboxDeps = () => ({
  publisher: publisher(),
  outbox: new OutboxStore(dynamoDbClient(), config.outboxTable()),
});

/** Each service's `outbox-forwarder` function: the change-data-capture path. */
export const outboxForwarderHandler = () => {
  const deps = outboxDeps();
  return eventHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>((event) => forwardStreamRecords(event.Records, deps));
};

/**
 * `outboxSweepClock`: the fallback path's clock, for every outbox. Its schedule (once a minute)
 * and the ticks it leaves itself on its delay queue both land here; an SQS batch is one tick.
 */
export const outboxSweepClockHandler = (topology: Pick<SagaTopology, 'emitters'>) => {
  const deps = {
    outboxes: topology.emitters.map((service) => ({
      metricService: `${service}-outbox`,
      sweeper: config.outboxSweeperOf(service),
      outbox: new OutboxStore(dynamoDbClient(), config.outboxTableOf(service)),
    })),
    ticks: new SqsSweepTicks(new SQSClient({}), config.sweepTickQueueUrl()),
    sweepers: new LambdaSweeperTrigger(new LambdaClient({})),
    graceMs: config.sweepGraceSeconds() * 1000,
    ticksPerRun: config.sweepsPerRun(),
    intervalSeconds: config.sweepIntervalSeconds(),
  };
  return eventHandler<Partial<SQSEvent> | null, unknown>((event) => sweepClockTick(deps, { scheduled: !Array.isArray(event?.Records) }));
};

/** Each service's `outbox-sweeper` function: the fallback path, started by the sweep clock. */
export const outboxSweeperHandler = () => {
  const deps = { ...outboxDeps(), graceMs: config.sweepGraceSeconds() * 1000 };
  const sweepsPerRun = config.sweepsPerRun();
  const intervalMs = config.sweepIntervalSeconds() * 1000;
  // The schedule sweeps `SWEEPS_PER_RUN` times; an operator (or a test) can invoke it by hand with
  // `{"sweeps": 1}` to sweep once, now.
  return eventHandler<{ sweeps?: unknown } | null, { sweeps: SweepResult[] }>(async (event, context) => ({
    sweeps: await sweepRepeatedly({ ...deps, remainingMs: () => context.getRemainingTimeInMillis() }, {
      sweeps: typeof event?.sweeps === 'number' && event.sweeps >= 1 ? Math.min(event.sweeps, 10) : sweepsPerRun,
      intervalMs,
    }),
  }));
};

/** Every outbox of a saga, one per service that owns events (`<SERVICE>_OUTBOX_TABLE` each). */
export const everyOutbox = (topology: Pick<SagaTopology, 'emitters' | 'sourceOf'>) =>
  topology.emitters.map((service) => ({ service, source: topology.sourceOf(service)!, store: new OutboxStore(dynamoDbClient(), config.outboxTableOf(service)) }));

/** `replayEvents` (no trigger): reads every service's outbox. */
export const replayEventsHandler = (topology: Pick<SagaTopology, 'emitters' | 'sourceOf' | 'saga'>) => {
  const deps = { publisher: publisher(), contracts: topology.saga.contracts, outboxes: everyOutbox(topology) };
  return eventHandler((request: unknown) => replayEvents(request, deps));
};

/**
 * Re-publishes one stored event of this service's outbox through the relay's own routine (the
 * watchdog's compensation re-drive): the committed payload as it is, same envelope id.
 */
export const outboxRepublisher = (): EventRepublisher => {
  const deps = outboxDeps();
  return {
    async republish(eventId) {
      const row = await deps.outbox.get(eventId);
      if (!row) return 'missing';
      const { published } = await publishOutboxRows([row], { ...deps, path: 'redrive' });
      return published === 1 ? 'published' : 'failed';
    },
  };
};
