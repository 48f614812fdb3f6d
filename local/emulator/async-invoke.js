'use strict';
/**
 * Lambda's asynchronous invocation, as EventBridge uses it to deliver to a consumer, for the local
 * stack. The EventBridge emulator would run a failing handler again at once, three times, 200 ms
 * apart, and then drop the event; Lambda instead accepts the event, runs it, and when the handler
 * throws retries it `maximumRetryAttempts` times (the function's setting, 2 by default) about a
 * minute and then two minutes later, then sends it to the function's on-failure destination with
 * the error; an event older than `maximumEventAge` goes there too. Here the delays have AWS's shape
 * scaled by the local time factor (the same factor as the saga's deadline, so a retry keeps its
 * proportion to the deadline), and the destination is a JSON-lines file that `npm run verify` and
 * the saga explorer read. Nothing is dropped.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

/** Lambda's delays before the first and second retry of a failed asynchronous invocation. */
const AWS_RETRY_DELAYS_MS = [60_000, 120_000];
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 3600;

/** A destination record as Lambda writes it to an on-failure destination. */
const failureRecord = ({ functionName, requestId, condition, attempts, event, error, now }) => ({
  version: '1.0',
  timestamp: new Date(now).toISOString(),
  requestContext: { requestId, functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`, condition, approximateInvokeCount: attempts },
  requestPayload: event,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: error?.name ?? 'Error', errorMessage: error?.message ?? String(error) },
});

/** Appends destination records to a JSON-lines file (created on first use). */
const fileDestination = (file) => ({
  file,
  send(record) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  },
});

/** Every record in a destination file, oldest first; none when it does not exist. */
const readDestination = (file) => {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
};

/**
 * The deployed saga deadline (`params.default.sagaTimeoutSeconds` in serverless.yml), for the
 * harnesses that set a local deadline and need the time factor it implies (the local plugin reads
 * the resolved configuration instead).
 */
const deployedSagaTimeoutSeconds = (file = path.resolve(__dirname, '..', '..', 'serverless.yml')) => {
  const text = fs.readFileSync(file, 'utf8');
  const defaults = /^params:\n {2}default:\n((?: {4}.*\n|\s*\n)+)/m.exec(text)?.[1] ?? '';
  const value = Number(/^ {4}sagaTimeoutSeconds: '?(\d+)'?$/m.exec(defaults)?.[1]);
  if (!(value > 0)) throw new Error(`no params.default.sagaTimeoutSeconds in ${file}`);
  return value;
};

/** Where a stage's local stack keeps its consumers' on-failure destination. */
const consumerFailuresFile = (stage, root = path.resolve(__dirname, '..', '..')) => path.join(root, '.local-data', `consumer-failures-${stage}.jsonl`);

/**
 * The events a stage's consumers gave up on, one summary per destination record (what `npm run
 * verify` prints and the saga explorer shows): the consumer, the event, its order, why.
 */
const consumerFailures = (stage) =>
  readDestination(consumerFailuresFile(stage)).map((r) => ({
    consumer: String(r.requestContext?.functionArn ?? '').split(':function:')[1]?.replace(/^order-saga-[a-z0-9]+-/, ''),
    eventId: r.requestPayload?.detail?.id ?? r.requestPayload?.id,
    type: r.requestPayload?.['detail-type'],
    aggregateId: r.requestPayload?.detail?.aggregateId,
    condition: r.requestContext?.condition,
    attempts: r.requestContext?.approximateInvokeCount,
    error: r.responsePayload?.errorMessage,
    at: r.timestamp,
  }));

/** Lambda's backoff for a throttled asynchronous event: from 1 s, doubling, up to 5 minutes. */
const THROTTLE_BACKOFF_MS = { first: 1_000, max: 300_000 };
/** EventBridge's backoff between retries of a target it could not invoke (same shape). */
const DELIVERY_BACKOFF_MS = { first: 1_000, max: 300_000 };
const backoff = (shape, retry) => Math.min(shape.max, shape.first * 2 ** retry);

/** The message EventBridge sends to a rule target's dead-letter queue, with its attributes. */
const deadLetterRecord = ({ functionName, ruleName, event, error, attempts, now }) => ({
  timestamp: new Date(now).toISOString(),
  messageAttributes: {
    RULE_ARN: `arn:aws:events:us-east-1:000000000000:rule/${ruleName ?? 'unknown'}`,
    TARGET_ARN: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    ERROR_CODE: error?.name ?? 'Error',
    ERROR_MESSAGE: error?.message ?? String(error),
    RETRY_ATTEMPTS: String(attempts - 1),
  },
  body: event,
});

/**
 * @param {object} opts
 * @param {(functionKey: string, event: object) => Promise<unknown>} opts.run runs the handler once
 * @param {(functionKey: string) => { functionName: string, maximumRetryAttempts?: number, maximumEventAge?: number, reservedConcurrency?: number, onFailure?: boolean, delivery?: { maximumRetryAttempts?: number, maximumEventAge?: number } }} opts.settingsOf
 *   the function's asynchronous settings, its reserved concurrency (invocations beyond it are
 *   throttled), and the rule target's retry policy (`delivery`)
 * @param {number} opts.timeFactor local seconds per deployed second (0 < factor ≤ 1)
 * @param {{ send: (record: object) => void }} opts.destination the function's on-failure destination
 * @param {{ send: (record: object) => void }} [opts.deadLetters] the rule target's dead-letter queue
 * @param {(functionKey: string) => void} [opts.accept] Lambda's Invoke call (throws when it cannot take the event)
 * @param {(ms: number, fn: () => void) => unknown} [opts.schedule]
 * @param {() => number} [opts.now]
 * @param {(line: string) => void} [opts.log]
 * @returns {{ invoke: (functionKey: string, event: object) => void, pending: () => number, stop: () => void }}
 */
const asyncInvoker = ({
  run,
  settingsOf,
  timeFactor,
  destination,
  deadLetters = destination,
  accept = () => {},
  schedule = (ms, fn) => setTimeout(fn, ms),
  now = Date.now,
  log = () => {},
}) => {
  const timers = new Set();
  let stopped = false;
  const running = new Map();
  const inFlight = () => [...running.values()].reduce((a, b) => a + b, 0);
  const later = (ms, fn) => {
    const timer = schedule(Math.round(ms * timeFactor), () => {
      timers.delete(timer);
      if (!stopped) fn();
    });
    timers.add(timer);
  };
  const maxAgeMsOf = (seconds) => (seconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000 * timeFactor;
  const giveUp = (functionKey, event, state, condition) => {
    const settings = settingsOf(functionKey);
    // Lambda discards the event of a function that declares no on-failure destination.
    if (settings.onFailure === false) {
      log(`${functionKey} gave up on its event after ${state.attempts} attempts (${condition}): discarded (no on-failure destination)`);
      return;
    }
    log(`${functionKey} gave up on event ${event?.id} after ${state.attempts} attempts (${condition}): to the on-failure destination`);
    destination.send(failureRecord({ functionName: settings.functionName, requestId: state.requestId, condition, attempts: state.attempts, event, error: state.error, now: now() }));
  };

  const attempt = async (functionKey, event, state) => {
    const settings = settingsOf(functionKey);
    const maxRetries = settings.maximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const maxAgeMs = maxAgeMsOf(settings.maximumEventAge);
    // Throttled: beyond the function's reserved concurrency Lambda keeps the event and tries again
    // later (not a retry of the handler), until the event is too old.
    if (settings.reservedConcurrency !== undefined && (running.get(functionKey) ?? 0) >= settings.reservedConcurrency) {
      const wait = backoff(THROTTLE_BACKOFF_MS, state.throttles);
      state.throttles += 1;
      if (now() + wait * timeFactor - state.acceptedAt > maxAgeMs) {
        state.error ??= Object.assign(new Error(`Rate exceeded: ${functionKey} is at its reserved concurrency of ${settings.reservedConcurrency}`), { name: 'TooManyRequestsException' });
        return giveUp(functionKey, event, state, 'EventAgeExceeded');
      }
      later(wait, () => void attempt(functionKey, event, state));
      return;
    }
    state.attempts += 1;
    running.set(functionKey, (running.get(functionKey) ?? 0) + 1);
    try {
      await run(functionKey, event);
      return;
    } catch (error) {
      state.error = error;
    } finally {
      running.set(functionKey, running.get(functionKey) - 1);
    }
    if (stopped) return;
    const retry = state.attempts - 1;
    const delay = AWS_RETRY_DELAYS_MS[retry] ?? AWS_RETRY_DELAYS_MS.at(-1);
    const expired = now() + delay * timeFactor - state.acceptedAt > maxAgeMs;
    if (retry < maxRetries && !expired) {
      log(`${functionKey} failed on attempt ${state.attempts} (${state.error?.message ?? state.error}); Lambda retries it in ${Math.round(delay * timeFactor)} ms`);
      later(delay, () => void attempt(functionKey, event, state));
      return;
    }
    giveUp(functionKey, event, state, retry < maxRetries ? 'EventAgeExceeded' : 'RetriesExhausted');
  };

  // EventBridge calls Lambda's Invoke; when that call fails (no such function, Lambda refusing it),
  // the rule target's retry policy applies, and then its dead-letter queue.
  const deliver = (functionKey, event, delivery) => {
    const settings = settingsOf(functionKey);
    const policy = settings.delivery ?? {};
    delivery.attempts += 1;
    try {
      accept(functionKey);
    } catch (error) {
      const retry = delivery.attempts - 1;
      const wait = backoff(DELIVERY_BACKOFF_MS, retry);
      if (retry < (policy.maximumRetryAttempts ?? 185) && now() + wait * timeFactor - delivery.sentAt <= maxAgeMsOf(policy.maximumEventAge ?? 86_400)) {
        later(wait, () => deliver(functionKey, event, delivery));
        return;
      }
      log(`EventBridge could not invoke ${functionKey} (${error.message}) after ${delivery.attempts} attempts: to the rule target's dead-letter queue`);
      deadLetters.send(deadLetterRecord({ functionName: settings.functionName, ruleName: settings.ruleName, event, error, attempts: delivery.attempts, now: now() }));
      return;
    }
    void attempt(functionKey, event, { attempts: 0, throttles: 0, acceptedAt: now(), requestId: randomUUID() });
  };

  return {
    /** EventBridge delivers the event: Lambda accepts it (202) and runs it in the background. */
    invoke(functionKey, event) {
      if (stopped) return;
      deliver(functionKey, event, { attempts: 0, sentAt: now() });
    },
    pending: () => timers.size + inFlight(),
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
};

module.exports = { deployedSagaTimeoutSeconds, asyncInvoker, fileDestination, readDestination, failureRecord, deadLetterRecord, consumerFailures, consumerFailuresFile, AWS_RETRY_DELAYS_MS };
