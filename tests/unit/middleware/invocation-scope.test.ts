/**
 * Concurrent invocations in one process (the local stack runs every handler in the offline
 * process) must never share log keys: each line carries its own request id and correlation id.
 */
import type * as ConsumerModule from '../../../lib/platform/middleware/consumer';
import type * as ObservabilityModule from '../../../lib/platform/observability';
import { aFakeConsumerDeps, aLambdaContext, anEventBridgeEvent, anOrderCreatedEvent } from '../../steps/given';
import { sleep } from '../../steps/when';
import type { ConsumerContext } from '../../../lib/platform/middleware/consumer';
import { type Envelope } from '../../../lib/services/contracts';
import { parseEnvelope } from '../../../lib/services/contracts';

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

/**
 * Two deliveries forced to interleave: the first logs, waits until the second has logged, ends
 * (its middleware resets its keys), and only then does the second log again.
 */
const twoConcurrentDeliveries = async () => {
  const { deps } = aFakeConsumerDeps();
  let secondStarted!: () => void;
  const afterSecondStarted = new Promise<void>((resolve) => (secondStarted = resolve));
  let firstEnded!: () => void;
  const afterFirstEnded = new Promise<void>((resolve) => (firstEnded = resolve));
  const consumer = consumerHandler({ consumer: 'reserveStock', accepts: ['order.created'] as const, parse: parseEnvelope, idField: 'orderId' }, deps, async (envelope: Envelope<'order.created'>, commit) => {
    const first = envelope.data.items[0]!.quantity === 1;
    logger.info('started');
    if (first) await afterSecondStarted;
    else {
      secondStarted();
      await afterFirstEnded;
    }
    logger.info('working');
    await commit({ writes: [], events: [] });
  });
  const one = anOrderCreatedEvent({ data: { items: [{ productId: 'p', quantity: 1 }] } });
  const two = anOrderCreatedEvent({ data: { items: [{ productId: 'p', quantity: 2 }] } });
  const contexts = [aLambdaContext('reserveStock'), aLambdaContext('reserveStock')];
  const logs = await captureLogs(async () => {
    const firstDone = consumer(anEventBridgeEvent(one), contexts[0] as ConsumerContext).then(() => firstEnded());
    await sleep(1);
    await Promise.all([firstDone, consumer(anEventBridgeEvent(two), contexts[1] as ConsumerContext)]);
  });
  const expected = new Map([
    [contexts[0]!.awsRequestId, { correlationId: one.correlationId, eventId: one.id }],
    [contexts[1]!.awsRequestId, { correlationId: two.correlationId, eventId: two.id }],
  ]);
  return { logs: logs.filter((l) => l.message === 'started' || l.message === 'working'), expected };
};

describe('log keys under concurrent invocations in one process', () => {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    // What a multi-concurrency runtime, and the local stack, set up before any handler runs.
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '10';
    jest.resetModules();
    // A store another test file's code may have opened in this worker is one that never scopes.
    const lambdaGlobal = (globalThis as { awslambda?: { InvokeStore?: unknown } }).awslambda;
    if (lambdaGlobal) delete lambdaGlobal.InvokeStore;
    const { InvokeStore } = await import('@aws/lambda-invoke-store');
    await InvokeStore.getInstanceAsync(true);
    ({ consumerHandler } = await import('../../../lib/platform/middleware/consumer'));
    ({ logger } = await import('../../../lib/platform/observability'));
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
