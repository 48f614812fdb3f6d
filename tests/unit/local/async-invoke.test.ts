/**
 * The local stack's asynchronous invocation (local/emulator/async-invoke.js): a consumer that throws is
 * retried as Lambda retries it (the function's maximumRetryAttempts, about 1 and 2 minutes later,
 * scaled by the local time factor), then its event goes to the on-failure destination: never dropped.
 */
import { asyncInvoker, AWS_RETRY_DELAYS_MS, deployedSagaTimeoutSeconds } from '../../../local/emulator/async-invoke';

type Scheduled = { ms: number; fn: () => void };

const harness = (outcomes: ('ok' | 'fail')[], settings: { maximumRetryAttempts?: number; maximumEventAge?: number; onFailure?: boolean } = {}) => {
  let clock = 1_000_000;
  const scheduled: Scheduled[] = [];
  const runs: number[] = [];
  const sent: Record<string, unknown>[] = [];
  const invoker = asyncInvoker({
    run: async () => {
      runs.push(clock);
      if (outcomes[runs.length - 1] !== 'ok') throw Object.assign(new Error('table unavailable'), { name: 'InternalServerError' });
    },
    settingsOf: () => ({ functionName: 'order-saga-test-chargePayment', ...settings }),
    timeFactor: 0.1,
    destination: { send: (record: object) => void sent.push(record as Record<string, unknown>) },
    schedule: (ms: number, fn: () => void) => {
      scheduled.push({ ms, fn });
      return scheduled.length;
    },
    now: () => clock,
  });
  /** Lets pending promises settle, then fires the next scheduled retry (advancing the clock). */
  const next = async () => {
    await new Promise((r) => setImmediate(r));
    const due = scheduled.shift();
    if (!due) return false;
    clock += due.ms;
    due.fn();
    await new Promise((r) => setImmediate(r));
    return true;
  };
  const start = clock;
  return { invoker, runs, sent, scheduled, next, start: () => start };
};

const event = { id: 'evt-1', source: 'saga.inventory', 'detail-type': 'inventory.reserved', detail: {} };

describe('asyncInvoker', () => {
  it('discards the event of a function with no on-failure destination once its retries are spent (a sweeper started by the clock)', async () => {
    // Prepare
    const { invoker, runs, sent, next } = harness(['fail'], { maximumRetryAttempts: 0, onFailure: false });
    // Act
    invoker.invoke('ordersOutboxSweeper', event);
    while (await next());
    // Assess: run once, not retried, and nothing in the destination (Lambda keeps none for it).
    expect(runs).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(invoker.pending()).toBe(0);
  });

  it('retries a failing handler twice, about 1 and 2 minutes later (scaled), then sends the event to the destination', async () => {
    // Prepare
    const { invoker, runs, sent, next, start } = harness(['fail', 'fail', 'fail']);
    // Act
    invoker.invoke('chargePayment', event);
    while (await next());
    // Assess
    expect(runs.map((t) => t - start())).toEqual([0, AWS_RETRY_DELAYS_MS[0]! * 0.1, (AWS_RETRY_DELAYS_MS[0]! + AWS_RETRY_DELAYS_MS[1]!) * 0.1]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringContaining(':function:order-saga-test-chargePayment') },
      requestPayload: event,
      responsePayload: { errorType: 'InternalServerError', errorMessage: 'table unavailable' },
    });
  });

  it('stops retrying once an attempt succeeds, and sends nothing', async () => {
    // Prepare
    const { invoker, runs, sent, next } = harness(['fail', 'ok']);
    // Act
    invoker.invoke('chargePayment', event);
    while (await next());
    // Assess
    expect(runs).toHaveLength(2);
    expect(sent).toEqual([]);
  });

  it("honours the function's own maximumRetryAttempts and maximumEventAge", async () => {
    // Prepare
    const none = harness(['fail'], { maximumRetryAttempts: 0 });
    const old = harness(['fail', 'fail', 'fail'], { maximumRetryAttempts: 2, maximumEventAge: 60 });
    // Act
    none.invoker.invoke('chargePayment', event);
    while (await none.next());
    old.invoker.invoke('chargePayment', event);
    while (await old.next());
    // Assess: no retry at all; and a retry due after the (scaled) 60 s age is not made.
    expect(none.runs).toHaveLength(1);
    expect(none.sent[0]).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 } });
    expect(old.runs).toHaveLength(2);
    expect(old.sent[0]).toMatchObject({ requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 2 } });
  });
});

describe('deployedSagaTimeoutSeconds', () => {
  it("reads the deployed deadline from serverless.yml's default params, and refuses a file without one", () => {
    // Prepare
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const os = jest.requireActual<typeof import('node:os')>('node:os');
    const path = jest.requireActual<typeof import('node:path')>('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deadline-'));
    const file = path.join(dir, 'serverless.yml');
    try {
      fs.writeFileSync(file, "service: x\nparams:\n  default:\n    logRetentionDays: 14\n    sagaTimeoutSeconds: 240\n  local:\n    sagaTimeoutSeconds: 60\n");
      const none = path.join(dir, 'none.yml');
      fs.writeFileSync(none, 'service: x\nparams:\n  default:\n    logRetentionDays: 14\n');
      // Act & Assess
      expect(deployedSagaTimeoutSeconds(file)).toBe(240);
      expect(() => deployedSagaTimeoutSeconds(none)).toThrow('no params.default.sagaTimeoutSeconds');
      expect(deployedSagaTimeoutSeconds()).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('throttling and the rule target', () => {
  const manual = () => {
    let clock = 0;
    const scheduled: { ms: number; fn: () => void }[] = [];
    return {
      now: () => clock,
      schedule: (ms: number, fn: () => void) => scheduled.push({ ms, fn }),
      fire: async () => {
        await new Promise((r) => setImmediate(r));
        const due = scheduled.shift();
        if (!due) return false;
        clock += due.ms;
        due.fn();
        await new Promise((r) => setImmediate(r));
        return true;
      },
      scheduled,
    };
  };

  it('throttles an invocation beyond the reserved concurrency (Lambda keeps it and tries again later), and runs it once there is room', async () => {
    // Prepare: one slot; the first run holds it until released.
    const t = manual();
    let release: () => void = () => {};
    const runs: string[] = [];
    const invoker = asyncInvoker({
      run: (_key, event) => {
        runs.push((event as { id: string }).id);
        return runs.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      settingsOf: () => ({ functionName: 'f', reservedConcurrency: 1 }),
      timeFactor: 1,
      destination: { send: () => undefined },
      schedule: t.schedule,
      now: t.now,
    });
    // Act
    invoker.invoke('f', { id: 'a' });
    invoker.invoke('f', { id: 'b' });
    await new Promise((r) => setImmediate(r));
    // Assess: b waits (throttled, 1 s backoff), then runs once a is done.
    expect(runs).toEqual(['a']);
    expect(t.scheduled.map((s) => s.ms)).toEqual([1000]);
    release();
    await t.fire();
    expect(runs).toEqual(['a', 'b']);
  });

  it('sends a throttled event that grows too old to the destination (EventAgeExceeded)', async () => {
    // Prepare: no slot ever frees up; the event may be 60 s old.
    const t = manual();
    const sent: Record<string, unknown>[] = [];
    const invoker = asyncInvoker({
      run: () => new Promise<void>(() => undefined),
      settingsOf: () => ({ functionName: 'f', reservedConcurrency: 1, maximumEventAge: 60 }),
      timeFactor: 1,
      destination: { send: (r: object) => void sent.push(r as Record<string, unknown>) },
      schedule: t.schedule,
      now: t.now,
    });
    // Act
    invoker.invoke('f', { id: 'holder' });
    invoker.invoke('f', { id: 'late' });
    while (await t.fire());
    // Assess: backoff 1, 2, 4, 8, 16 s (31 s), then 32 s more would pass the 60 s age.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 }, responsePayload: { errorType: 'TooManyRequestsException' }, requestPayload: { id: 'late' } });
  });

  it("retries a target EventBridge cannot invoke per the rule's retry policy, then sends it to the rule target's dead-letter queue", async () => {
    // Prepare
    const t = manual();
    const dead: Record<string, unknown>[] = [];
    let accepts = 0;
    const invoker = asyncInvoker({
      run: async () => undefined,
      settingsOf: () => ({ functionName: 'order-saga-x-f', delivery: { maximumRetryAttempts: 2, maximumEventAge: 3600 } }),
      timeFactor: 1,
      destination: { send: () => undefined },
      deadLetters: { send: (r: object) => void dead.push(r as Record<string, unknown>) },
      accept: () => {
        accepts += 1;
        throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
      },
      schedule: t.schedule,
      now: t.now,
    });
    // Act
    invoker.invoke('f', { id: 'e' });
    while (await t.fire());
    // Assess
    expect(accepts).toBe(3);
    expect(dead).toEqual([
      expect.objectContaining({ messageAttributes: expect.objectContaining({ ERROR_CODE: 'ResourceNotFoundException', RETRY_ATTEMPTS: '2', TARGET_ARN: expect.stringContaining('function:order-saga-x-f') }), body: { id: 'e' } }),
    ]);
  });
});
