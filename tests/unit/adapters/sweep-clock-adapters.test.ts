import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaSweeperTrigger } from '../../../lib/platform/adapters/lambda/sweeper-trigger';
import { SqsSweepTicks } from '../../../lib/platform/adapters/sqs/sweep-ticks';

const sqsMock = mockClient(SQSClient);
const lambdaMock = mockClient(LambdaClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/order-saga-dev-sweep-ticks';

describe('the sweep clock adapters', () => {
  beforeEach(() => {
    sqsMock.reset();
    lambdaMock.reset();
  });

  it('queues one message per tick, each with its own delay, ten to a batch', async () => {
    // Prepare
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    await new SqsSweepTicks(new SQSClient({}), QUEUE).sendAfter([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);

    // Assess
    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).toEqual([10, 1]);
    expect(calls.flatMap((c) => c.Entries!.map((e) => e.DelaySeconds))).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    expect(new Set(calls.flatMap((c) => c.Entries!.map((e) => e.Id))).size).toBe(11);
    expect(calls.every((c) => c.QueueUrl === QUEUE)).toBe(true);
  });

  it('fails when SQS refuses an entry, naming it', async () => {
    // Prepare
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: 't0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const run = new SqsSweepTicks(new SQSClient({}), QUEUE).sendAfter([15]);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'SweepTickQueueError', message: expect.stringContaining('t0 InternalError') });
  });

  it('starts a sweeper asynchronously, to sweep once', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    await new LambdaSweeperTrigger(new LambdaClient({})).sweep('order-saga-dev-ordersOutboxSweeper');

    // Assess
    const input = lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'order-saga-dev-ordersOutboxSweeper', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({ sweeps: 1 });
  });
});
