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

/**
 * @param {object} opts
 * @param {(functionKey: string, event: object) => Promise<unknown>} opts.run runs the handler once
 * @param {(functionKey: string) => { functionName: string, maximumRetryAttempts?: number, maximumEventAge?: number }} opts.settingsOf
 * @param {number} opts.timeFactor local seconds per deployed second (0 < factor ≤ 1)
 * @param {{ send: (record: object) => void }} opts.destination
 * @param {(ms: number, fn: () => void) => unknown} [opts.schedule]
 * @param {() => number} [opts.now]
 * @param {(line: string) => void} [opts.log]
 * @returns {{ invoke: (functionKey: string, event: object) => void, pending: () => number, stop: () => void }}
 */
const asyncInvoker = ({ run, settingsOf, timeFactor, destination, schedule = (ms, fn) => setTimeout(fn, ms), now = Date.now, log = () => {} }) => {
  const timers = new Set();
  let stopped = false;
  let inFlight = 0;
  const later = (ms, fn) => {
    const timer = schedule(ms, () => {
      timers.delete(timer);
      if (!stopped) fn();
    });
    timers.add(timer);
  };
  const attempt = async (functionKey, event, state) => {
    const settings = settingsOf(functionKey);
    const maxRetries = settings.maximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const maxAgeMs = (settings.maximumEventAge ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000 * timeFactor;
    state.attempts += 1;
    inFlight += 1;
    try {
      await run(functionKey, event);
      return;
    } catch (error) {
      state.error = error;
    } finally {
      inFlight -= 1;
    }
    if (stopped) return;
    const retry = state.attempts - 1;
    const delay = Math.round((AWS_RETRY_DELAYS_MS[retry] ?? AWS_RETRY_DELAYS_MS.at(-1)) * timeFactor);
    const expired = now() + delay - state.acceptedAt > maxAgeMs;
    if (retry < maxRetries && !expired) {
      log(`${functionKey} failed on attempt ${state.attempts} (${state.error?.message ?? state.error}); Lambda retries it in ${delay} ms`);
      later(delay, () => void attempt(functionKey, event, state));
      return;
    }
    const condition = retry < maxRetries ? 'EventAgeExceeded' : 'RetriesExhausted';
    log(`${functionKey} gave up on event ${event?.id} after ${state.attempts} attempts (${condition}): to the on-failure destination`);
    destination.send(failureRecord({ functionName: settings.functionName, requestId: state.requestId, condition, attempts: state.attempts, event, error: state.error, now: now() }));
  };
  return {
    /** Accepts the event (as Lambda answers 202) and runs it in the background. */
    invoke(functionKey, event) {
      if (stopped) return;
      void attempt(functionKey, event, { attempts: 0, acceptedAt: now(), requestId: randomUUID() });
    },
    pending: () => timers.size + inFlight,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
};

module.exports = { deployedSagaTimeoutSeconds, asyncInvoker, fileDestination, readDestination, failureRecord, consumerFailures, consumerFailuresFile, AWS_RETRY_DELAYS_MS };
