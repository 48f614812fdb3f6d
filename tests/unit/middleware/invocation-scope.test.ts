/**
 * Concurrent invocations in one process (the local stack runs every handler in the offline
 * process) must never share log keys: each line carries its own request id and correlation id.
 */
import { InvokeStore } from '@aws/lambda-invoke-store';
import type { Envelope } from '../../../lib/domain/events/envelope';
import type * as ConsumerModule from '../../../lib/middleware/consumer';
import type * as ObservabilityModule from '../../../lib/observability';
import { aFakeConsumerDeps, aLambdaContext, anEventBridgeEvent, anOrderCreatedEvent } from '../../steps/given';
import { sleep } from '../../steps/when';
import type { ConsumerContext } from '../../../lib/middleware/consumer';

interface LogLine {
  message: string;
  function_request_id?: string;
  correlationId?: string;
  eventId?: string;
}

/** Every JSON log line written while `act` runs. */
const captureLogs = async (act: () => Promise<unknown>): Promise<LogLine[]> => {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    await act();
  } finally {
    write.mockRestore();
  }
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return [];
    }
  });
};

// Loaded afresh once the environment below is set: the logger reads its level when it is built.
let consumerHandler: typeof ConsumerModule.consumerHandler;
let logger: typeof ObservabilityModule.logger;

/** A consumer that logs before and after a pause, so two deliveries interleave. */
const aSlowConsumer = () => {
  const { deps } = aFakeConsumerDeps();
  return consumerHandler({ consumer: 'reserveStock', accepts: ['order.created'] }, deps, async (envelope: Envelope<'order.created'>, commit) => {
    logger.info('started');
    await sleep(envelope.data.items[0]!.quantity);
    logger.info('working');
    await commit({ writes: [], events: [] });
  });
};

/** Two deliveries run concurrently; the first pauses longer, so the second starts and ends inside it. */
const twoConcurrentDeliveries = async () => {
  const consumer = aSlowConsumer();
  const slow = anOrderCreatedEvent({ data: { items: [{ productId: 'p', quantity: 40 }] } });
  const fast = anOrderCreatedEvent({ data: { items: [{ productId: 'p', quantity: 5 }] } });
  const contexts = [aLambdaContext('reserveStock'), aLambdaContext('reserveStock')];
  const logs = await captureLogs(() =>
    Promise.all([
      consumer(anEventBridgeEvent(slow), contexts[0] as ConsumerContext),
      sleep(5).then(() => consumer(anEventBridgeEvent(fast), contexts[1] as ConsumerContext)),
    ]),
  );
  const expected = new Map([
    [contexts[0]!.awsRequestId, { correlationId: slow.correlationId, eventId: slow.id }],
    [contexts[1]!.awsRequestId, { correlationId: fast.correlationId, eventId: fast.id }],
  ]);
  return { logs: logs.filter((l) => l.message === 'started' || l.message === 'working'), expected };
};

describe('log keys under concurrent invocations in one process', () => {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    // What a multi-concurrency runtime, and the local stack, set up before any handler runs.
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '10';
    await InvokeStore.getInstanceAsync(true);
    jest.resetModules();
    ({ consumerHandler } = await import('../../../lib/middleware/consumer'));
    ({ logger } = await import('../../../lib/observability'));
  });
  afterAll(() => {
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
    if (level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = level;
  });

  it('gives every log line the request id and the correlation id of its own invocation', async () => {
    // Act
    const { logs, expected } = await twoConcurrentDeliveries();

    // Assess
    expect(logs).toHaveLength(4);
    for (const line of logs) {
      expect(expected.has(line.function_request_id!)).toBe(true);
      expect({ correlationId: line.correlationId, eventId: line.eventId }).toEqual(expected.get(line.function_request_id!));
    }
    expect(new Set(logs.map((l) => l.function_request_id)).size).toBe(2);
  });

  it('would mix them up without a scope per invocation (the failure this prevents)', async () => {
    // Prepare: the environment no longer says invocations overlap, so Powertools shares its keys.
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;

    // Act
    const { logs, expected } = await twoConcurrentDeliveries();
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '10';

    // Assess
    const mismatched = logs.filter((l) => expected.get(l.function_request_id!)?.correlationId !== l.correlationId || !expected.has(l.function_request_id!));
    expect(mismatched.length).toBeGreaterThan(0);
  });
});
