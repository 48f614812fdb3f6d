'use strict';
/**
 * `npm run chaos [-- --quick] [--orders N] [--rate R] [--kills K] [--faults a,b,c] [--seed S] [--min-faults M]`
 *
 * Starts its own stack (stage `chaos`, ports 6100+, persistent data in .local-data/chaos), with a
 * fault-injecting proxy in front of DynamoDB Local and another in front of the EventBridge emulator.
 * Drives a mixed workload (successes, stock-outs, declined charges, scarce stock under contention, undeliverable destinations)
 * until N orders were accepted, injects every switched-on fault while it runs (K kills of DynamoDB
 * Local and K of the whole stack among them), lets the system settle, then runs the invariant
 * checker of `npm run verify` on this run's orders against the stock and balances it started from.
 * Ends with one line: `<N> orders, faults {<kind>: <count>, ...}, <V> violations`; exits 1 on any
 * violation, or when a switched-on fault was injected fewer than M times (20 by default; 1 with
 * --quick). Faults are injected on the wire or by killing processes, never inside lib/ or functions/.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startStack, ROOT } = require('../../emulator/stack');
const { startDynamoDbLocal, localClient } = require('../../emulator/dynamodb-local');
const { mulberry32, seedRun } = require('../workload');
const { option } = require('../shared/options');
const { invokeFunction } = require('../shared/lambda');
const { AWS_RETRY_DELAYS_MS, consumerFailures, consumerFailuresFile, deployedSagaTimeoutSeconds } = require('../../emulator/async-invoke');
const { startFaultProxy } = require('./fault-proxy');
const { dynamoDbRules, eventBridgeRules, httpApiRules, contractVersionTransform } = require('./faults');
const { forgeries, checkForgeries } = require('./forgeries');
const { readSnapshot } = require('../verify/snapshot');
const { checkInvariants } = require('../verify/checks');

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ORDERS = Number(option('orders', QUICK ? 120 : 1000));
const RATE = Number(option('rate', QUICK ? 12 : 3));
/** Kills of DynamoDB Local, and of the whole stack, each; one of each every KILL_PERIOD_MS. */
const KILLS = Number(option('kills', 20));
const KILL_PERIOD_MS = 30_000;
/** A run that injected a switched-on fault fewer times than this proved nothing about it: it fails. */
const MIN_FAULTS = Number(option('min-faults', QUICK ? 1 : 20));
const STAGE = 'chaos';
const PREFIX = `order-saga-${STAGE}`;

/** Every fault kind, with its probability (per request it applies to) or window. */
const ALL_FAULTS = {
  duplicateDelivery: 0.15,
  putEventsPartialFailure: 0.1,
  forwarderDiesBeforeMark: 0.05,
  // Of the requests that touch one of the hottest items (local/harness/chaos/hot-items.js).
  transactionConflict: 0.15,
  throttling: 0.05,
  consumerFails: 0.03,
  consumerFailsCompensation: 0.15,
  responseLostAfterCommit: 0.05,
  streamsOff: 1,
  reorder: 1,
  forgedEvents: 1,
  contractVersionChange: 1,
  dynamoDbLocalKill: 1,
  stackKill: 1,
};
const chosen = option('faults');
const enabled = chosen ? Object.fromEntries(chosen.split(',').map((k) => [k, ALL_FAULTS[k] ?? 1])) : { ...ALL_FAULTS };
if (QUICK && !chosen) {
  // Reordering needs a saga to time out first, and a restart of DynamoDB Local or of the stack costs
  // seconds each: the quick run keeps to the faults that fit in under two minutes.
  delete enabled.reorder;
  delete enabled.dynamoDbLocalKill;
  delete enabled.stackKill;
}

// The functions (and the stream triggers) reach DynamoDB Local and the EventBridge emulator through the fault proxies.
const API_PROXY_PORT = 6105;
const PORTS = { HTTP_PORT: 6100, LAMBDA_PORT: 6102, EVENTBRIDGE_PORT: 6110, EVENTBRIDGE_PUBSUB_PORT: 6111, FUNCTIONS_EVENTBRIDGE_PORT: 6112, DYNAMODB_PORT: 6121, FUNCTIONS_DYNAMODB_PORT: 6120 };
const env = Object.fromEntries(Object.entries(PORTS).map(([k, v]) => [k, String(v)]));
const DATA_DIR = path.join(ROOT, '.local-data', 'chaos');
const SAGA_TIMEOUT_SECONDS = QUICK ? 15 : 30;
/**
 * The watchdog's schedule. On AWS the schedule lives in EventBridge, not in the stack that is
 * killed, and runs every minute; here the harness plays it, more often, so that deadlines and
 * re-drives happen within the run, across restarts of the stack.
 */
const WATCHDOG_EVERY_MS = QUICK ? 4_000 : 10_000;
/**
 * How long a consumer that fails past every retry stays down: half as long again as Lambda's two
 * retries take at this stack's time factor (the deadline over the deployed one; the local stack
 * scales the retries' 1 and 2 minutes by it), so the event really ends in the failure destination
 * and only a re-drive after the consumer is back can finish the job.
 */
const OUTAGE_MS = Math.round(1.5 * (AWS_RETRY_DELAYS_MS[0] + AWS_RETRY_DELAYS_MS[1]) * (SAGA_TIMEOUT_SECONDS / deployedSagaTimeoutSeconds()));
/** An acknowledged write DynamoDB Local lost to its own kill -9 was acknowledged just before it. */
const KILL_LOSS_WINDOW_MS = 10_000;
/** Forgeries go on this long after the workload (and its kills) ended. */
const FORGING_AFTER_WORKLOAD_MS = QUICK ? 0 : 60_000;

const log = (line) => console.log(`[chaos] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SEED = Number(option('seed', Date.now() % 100000));
const random = mulberry32(SEED);

const main = async () => {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  fs.rmSync(consumerFailuresFile(STAGE), { force: true });
  const counts = {};
  const bump = (kind, n = 1) => (counts[kind] = (counts[kind] ?? 0) + n);
  const windows = { streamsOff: false };
  const active = (kind) => (kind in windows ? windows[kind] : true);
  /**
   * When each kill happened, and when the stack was whole again. An acknowledged write just before a
   * kill may be lost (DynamoDB Local only); an event on the bus from just before a kill until just
   * after the restart may be lost with the emulator that was delivering it, or with a consumer that
   * could not reach DynamoDB (on AWS, Lambda's retries and the failure queue keep it).
   */
  const kills = [];
  const mayBeLostToKill = (at) => kills.some((k) => at >= k.at - KILL_LOSS_WINDOW_MS && at <= k.at + 1_000);
  const mayBeLostInFlight = (at) => kills.some((k) => at >= k.at - 5_000 && at <= (k.restoredAt ?? Infinity) + 5_000);
  let contractSwitched = false;

  // Orders whose order.created is held back until after their saga timed out.
  const heldOrders = new Set();
  const ddbProxy = await startFaultProxy({
    port: PORTS.FUNCTIONS_DYNAMODB_PORT,
    target: `http://127.0.0.1:${PORTS.DYNAMODB_PORT}`,
    rules: dynamoDbRules({ random, p: enabled, active, outageMs: OUTAGE_MS }),
    name: 'dynamodb',
  });
  let ebProxy;
  const ebRules = eventBridgeRules({
    random,
    p: enabled,
    active,
    delayOf: (entry) => {
      if (entry.DetailType !== 'order.created') return undefined;
      const orderId = JSON.parse(entry.Detail).aggregateId;
      return heldOrders.has(orderId) ? (SAGA_TIMEOUT_SECONDS + 75) * 1000 : undefined;
    },
    sendLater: (json) => ebProxy.send({ headers: PUT_EVENTS_HEADERS, json }),
  });
  const ebTransforms = enabled.contractVersionChange ? [contractVersionTransform({ random, on: () => true, switched: () => contractSwitched })] : [];
  ebProxy = await startFaultProxy({ port: PORTS.FUNCTIONS_EVENTBRIDGE_PORT, target: `http://127.0.0.1:${PORTS.EVENTBRIDGE_PORT}`, rules: ebRules, transforms: ebTransforms, name: 'eventbridge' });
  const apiProxy = await startFaultProxy({ port: API_PROXY_PORT, target: `http://127.0.0.1:${PORTS.HTTP_PORT}`, rules: httpApiRules({ random, p: enabled, active }), name: 'api' });
  ddbProxy.setEnabled(false);
  ebProxy.setEnabled(false);

  log(`seed ${SEED}; starting the stack (stage ${STAGE}, ports 6100+, data in ${path.relative(ROOT, DATA_DIR)}) ...`);
  // Short local timings, so that timeouts, sweeps and re-drives all happen within the run.
  const params = {
    sagaTimeoutSeconds: String(SAGA_TIMEOUT_SECONDS),
    sweepGraceSeconds: '3',
    sweepIntervalSeconds: '5',
    sweepsPerRun: '11',
    compensationRedriveDelaySeconds: QUICK ? '4' : '10',
  };
  const logFile = path.join(ROOT, '.local-data', 'chaos-stack.log');
  fs.rmSync(logFile, { force: true });
  const stackOptions = { env, stage: STAGE, params, dataDir: DATA_DIR, logFile, appendLog: true, log: () => {} };
  let stack = await startStack(stackOptions);
  let dynamodb = stack.dynamodb;
  const client = localClient(PORTS.DYNAMODB_PORT);
  // Kills and restarts one at a time; the stack is whole again when this settles.
  let restarting = Promise.resolve();
  const serially = (fn) => (restarting = restarting.then(fn, fn));
  let result;
  const timers = [];
  let stopWatchdog = () => undefined;
  try {
    // The run's own catalogue and customers, and the figures they start from.
    const run = randomUUID().slice(0, 6);
    // Half the orders buy the plenty product and race on its shards; the scarce one's last units
    // are spread over shards too, so "out of stock" must be answered by all of them together.
    const products = {
      plenty: { productId: `chaos-${run}-plenty`, price: 1000, stock: 100000, shards: 8 },
      scarce: { productId: `chaos-${run}-scarce`, price: 5000, stock: 10, shards: 3 },
      none: { productId: `chaos-${run}-none`, price: 700, stock: 0 },
    };
    const customers = {
      rich: { customerId: `chaos-${run}-rich`, balance: 1_000_000_000 },
      tight: { customerId: `chaos-${run}-tight`, balance: 20_000 },
      broke: { customerId: `chaos-${run}-broke`, balance: 0 },
    };
    const loadCatalogue = (catalogue) => invokeFunction({ port: PORTS.LAMBDA_PORT, functionName: `${PREFIX}-loadCatalogue`, payload: catalogue });
    const { baseline, tokens } = await seedRun({ client, stage: STAGE, products: Object.values(products), customers: Object.values(customers), tokenSeconds: 24 * 3600, loadCatalogue });
    const mix = () => {
      const r = random();
      if (r < 0.5) return { customerId: customers.rich.customerId, items: [{ productId: products.plenty.productId, quantity: 1 + Math.floor(random() * 3) }] };
      // No carrier delivers there: the booking fails after the charge, so everything is compensated.
      if (r < 0.55) return { customerId: customers.rich.customerId, items: [{ productId: products.plenty.productId, quantity: 1 }], shipTo: { country: 'AQ' } };
      if (r < 0.65) return { customerId: customers.rich.customerId, items: [{ productId: products.none.productId, quantity: 1 }] };
      if (r < 0.75) return { customerId: customers.broke.customerId, items: [{ productId: products.plenty.productId, quantity: 1 }] };
      if (r < 0.85) return { customerId: customers.tight.customerId, items: [{ productId: products.plenty.productId, quantity: 2 }] };
      return { customerId: customers.rich.customerId, items: [{ productId: products.scarce.productId, quantity: 1 }] };
    };

    ddbProxy.setEnabled(true);
    ebProxy.setEnabled(true);
    apiProxy.setEnabled(true);
    /** Orders answered 201, with when the answer came. */
    const accepted = [];
    const refused = [];
    const started = Date.now();
    const inflight = [];
    // Half the clients send an Idempotency-Key and retry what may have failed (a 5xx, a lost
    // answer, a stack that is restarting) with it; the others cannot retry safely, so they give up
    // and the order, if it was committed, runs anyway (the checker sees it: it checks every order
    // of this run's customers).
    const answersByKey = new Map();
    const place = async ({ customerId, items, key }, attempt = 1) => {
      try {
        const res = await fetch(`http://127.0.0.1:${API_PROXY_PORT}/orders`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[customerId]}`, ...(key ? { 'Idempotency-Key': key } : {}) },
          body: JSON.stringify({ items }),
        });
        const json = await res.json();
        if (res.status === 201) {
          if (key) answersByKey.set(key, [...(answersByKey.get(key) ?? []), json.orderId]);
          if (attempt > 1) bump(res.headers.get('idempotent-replayed') === 'true' ? 'clientRetryReplayed' : 'clientRetryCreated');
          return json.orderId;
        }
        if (key && res.status >= 500 && attempt < 12) {
          await sleep(250 * attempt);
          return place({ customerId, items, key }, attempt + 1);
        }
        refused.push({ status: res.status, body: json });
      } catch (error) {
        if (key && attempt < 12) {
          await sleep(250 * attempt);
          return place({ customerId, items, key }, attempt + 1);
        }
        refused.push({ status: 0, body: String(error) });
      }
      return undefined;
    };

    // Fault windows and process kills, spread over the workload.
    const plannedMs = QUICK || !(enabled.dynamoDbLocalKill || enabled.stackKill) ? (ORDERS / RATE) * 1000 : Math.max((ORDERS / RATE) * 1000, KILLS * KILL_PERIOD_MS);
    const at = (ms, fn) => timers.push(setTimeout(() => void fn().catch((e) => log(`fault action failed: ${e.message}`)), ms));
    if (enabled.streamsOff) {
      for (const f of [0.2, 0.6]) {
        at(f * plannedMs, async () => {
          windows.streamsOff = true;
          log('stream forwarders off (sweeper only) ...');
          // Longer than a kill and its restart (kills come every 15 s in turn), so some of the
          // window always falls on a running stack whose forwarders read nothing.
          await sleep(Math.min(QUICK ? 8000 : 45_000, plannedMs * 0.15));
          windows.streamsOff = false;
          log('stream forwarders on again');
        });
      }
    }
    if (enabled.contractVersionChange) {
      at(0.5 * plannedMs, async () => {
        contractSwitched = true;
        log('inventory.reserved now written as version 2 (a few version-1 events still in flight)');
      });
    }
    const killDynamoDb = () =>
      serially(async () => {
        const kill = { at: Date.now() };
        kills.push(kill);
        process.kill(-dynamodb.pid, 'SIGKILL');
        await dynamodb.exited;
        bump('dynamoDbLocalKill');
        await sleep(1500);
        dynamodb = await startDynamoDbLocal({ port: PORTS.DYNAMODB_PORT, dataDir: DATA_DIR, log: () => {} });
        kill.restoredAt = Date.now();
        log(`DynamoDB Local killed (-9) and restarted on its data (${counts.dynamoDbLocalKill})`);
      });
    const killStack = () =>
      serially(async () => {
        const kill = { at: Date.now() };
        kills.push(kill);
        for (const pid of [stack.pid, dynamodb.pid]) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
        await Promise.all([stack.exited, dynamodb.exited]);
        bump('stackKill');
        stack = await startStack(stackOptions);
        dynamodb = stack.dynamodb;
        kill.restoredAt = Date.now();
        log(`whole stack killed (-9) and restarted on its data (${counts.stackKill})`);
      });
    if (enabled.dynamoDbLocalKill && !enabled.stackKill) at(0.45 * plannedMs, killDynamoDb);
    for (let k = 0; k < KILLS && enabled.stackKill; k += 1) {
      at(10_000 + k * KILL_PERIOD_MS, killStack);
      if (enabled.dynamoDbLocalKill) at(10_000 + k * KILL_PERIOD_MS + KILL_PERIOD_MS / 2, killDynamoDb);
    }
    stopWatchdog = scheduleWatchdog();

    // Forged and smuggled events, straight on the bus, about real orders of the run.
    const forged = [];
    const forge = async () => {
      if (accepted.length === 0) return;
      const { orderId, customerId } = accepted[Math.floor(random() * accepted.length)];
      const forgery = forgeries[forged.length % forgeries.length];
      const f = forgery.build({ orderId, customerId });
      const at = Date.now();
      const status = await ebProxy.send({ headers: PUT_EVENTS_HEADERS, json: { Entries: [{ EventBusName: `${PREFIX}-bus`, Source: f.source, DetailType: f.detailType, Detail: JSON.stringify(f.envelope) }] } });
      // Injected only if the bus took it (it is down while the stack restarts).
      if (status !== 200) return;
      forged.push({ id: f.envelope.id, name: forgery.name, deadLetteredBy: f.deadLetteredBy, at });
      bump('forgedEvents');
    };
    // Forgeries go on into the settling, past the last kill: those are all required to be dead-lettered.
    const forging = enabled.forgedEvents ? setInterval(() => void forge().catch(() => undefined), QUICK ? 500 : 2_500) : undefined;
    let forgingUntil = Infinity;

    log(`placing orders at ${RATE}/s until ${ORDERS} are accepted (~${Math.round(plannedMs / 1000)} s) with faults: ${Object.keys(enabled).join(', ')}`);
    for (let i = 0; ; i += 1) {
      const elapsed = Date.now() - started;
      if (accepted.length >= ORDERS && elapsed >= plannedMs) break;
      if (elapsed > plannedMs * 3) break;
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const body = { ...mix(), ...(random() < 0.5 ? { key: randomUUID() } : {}) };
      inflight.push(
        place(body).then((orderId) => {
          if (!orderId) return;
          accepted.push({ orderId, customerId: body.customerId, at: Date.now() });
          if (enabled.reorder && random() < 0.03) heldOrders.add(orderId);
        }),
      );
    }
    await Promise.all(inflight);
    for (const t of timers.splice(0)) clearTimeout(t);
    await restarting;
    forgingUntil = Date.now() + FORGING_AFTER_WORKLOAD_MS;
    windows.streamsOff = false;
    log(`${accepted.length} orders accepted, ${refused.length} refused; letting the system settle ...`);

    // Settle: faults stay on (retries and re-drives must finish the job under them); the watchdog
    // and the sweepers run on their schedules.
    // In scope: every order of this run's customers, acknowledged or not (a lost answer without a key).
    const runCustomers = new Set(Object.values(customers).map((c) => c.customerId));
    const inScope = (o) => runCustomers.has(o.customerId);
    // Long enough for a timeout, the watchdog's next run and a re-drive or two.
    const settleUntil = Date.now() + (QUICK ? 90_000 : 300_000) + (heldOrders.size ? (SAGA_TIMEOUT_SECONDS + 90) * 1000 : 0);
    let snapshot;
    let check;
    let forgeryViolations;
    for (;;) {
      snapshot = await readSnapshot({ client, prefix: PREFIX });
      check = checkInvariants(snapshot, { baseline, inScope, sweeperWindowMs: 45_000, watchdogPeriodMs: WATCHDOG_EVERY_MS + 5_000 });
      forgeryViolations = checkForgeries(forged, snapshot, mayBeLostInFlight);
      const pending = snapshot.orders.filter((o) => inScope(o) && o.status === 'PENDING').length;
      const stillForging = Date.now() < forgingUntil;
      if (!stillForging) clearInterval(forging);
      if (!stillForging && ((check.violations.length === 0 && forgeryViolations.length === 0 && pending === 0) || Date.now() > settleUntil)) break;
      await sleep(3000);
    }
    clearInterval(forging);
    for (const t of timers.splice(0)) clearTimeout(t);
    await stopWatchdog();
    ddbProxy.setEnabled(false);
    ebProxy.setEnabled(false);
    apiProxy.setEnabled(false);

    // Acknowledged orders that DynamoDB Local lost when it was killed -9 are counted apart (AWS
    // DynamoDB acknowledges only durable writes), and only if acknowledged just before a kill;
    // every other missing order is a violation.
    const stored = new Set(snapshot.orders.map((o) => o.orderId));
    const missing = accepted.filter((a) => !stored.has(a.orderId));
    const lostToKill = missing.filter((a) => mayBeLostToKill(a.at));
    const violations = [...check.violations, ...forgeryViolations];
    for (const a of missing) {
      if (!mayBeLostToKill(a.at)) violations.push({ kind: 'acknowledged-order-missing', message: `order ${a.orderId} answered 201 but is not stored`, ids: [a.orderId] });
    }
    // Every Idempotency-Key answered one order, however many attempts it took.
    for (const [key, orderIds] of answersByKey) {
      if (new Set(orderIds).size !== 1) violations.push({ kind: 'key-many-orders', message: `Idempotency-Key ${key} answered ${new Set(orderIds).size} different orders`, ids: [key, ...new Set(orderIds)] });
    }

    for (const [kind, n] of Object.entries({ ...ddbProxy.counts, ...ebProxy.counts, ...apiProxy.counts })) bump(kind, n);
    delete counts.targetUnavailable;
    for (const kind of Object.keys(counts)) if (kind.endsWith('Retry')) delete counts[kind];
    for (const v of violations) console.log(`VIOLATION ${v.kind}: ${v.message}  [${v.ids.join(', ')}]`);
    for (const [status, r] of new Map(refused.map((r) => [r.status, r]))) log(`refused with ${status}, e.g. ${JSON.stringify(r.body).slice(0, 300)}`);
    const faults = Object.keys(enabled)
      .map((k) => `${k}: ${counts[k] ?? 0}`)
      .join(', ');
    log(
      `${check.counts.confirmed} confirmed, ${check.counts.cancelled} cancelled, ${check.counts.pending} pending; ${refused.length} refused by the API (${JSON.stringify(tally(refused.map((r) => r.status)))}); ` +
        `client retries: ${counts.clientRetryReplayed ?? 0} replayed, ${counts.clientRetryCreated ?? 0} created; ` +
        `${lostToKill.length} acknowledged orders lost to a kill of DynamoDB Local; ` +
        `${forged.filter((f) => mayBeLostInFlight(f.at)).length} of ${forged.length} forgeries on the bus around a kill (not required to be dead-lettered; still required to change nothing); ` +
        `${consumerFailures(STAGE).length} events a consumer gave up on after Lambda's retries, kept in the failure destination (the re-drives and deadlines finished their sagas); ` +
        `${Math.round((Date.now() - started) / 1000)} s`,
    );
    const tooFew = Object.keys(enabled).filter((k) => (counts[k] ?? 0) < MIN_FAULTS);
    if (tooFew.length) log(`FAILED: injected fewer than ${MIN_FAULTS} times: ${tooFew.join(', ')}`);
    result = { line: `${accepted.length} orders, faults {${faults}}, ${violations.length} violations`, violations, tooFew };
  } finally {
    for (const t of timers) clearTimeout(t);
    await stopWatchdog();
    await restarting.catch(() => undefined);
    client.destroy();
    await stack.stop();
    if (dynamodb !== stack.dynamodb) await dynamodb.stop();
    await ddbProxy.close();
    await ebProxy.close();
    await apiProxy.close();
  }
  console.log(result.line);
  process.exit(result.violations.length || result.tooFew.length ? 1 : 0);
};

const tally = (values) => values.reduce((t, v) => ({ ...t, [v]: (t[v] ?? 0) + 1 }), {});

const PUT_EVENTS_HEADERS = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' };

/**
 * Runs the saga watchdog through the stack's Lambda endpoint, WATCHDOG_EVERY_MS after the end of its
 * previous run (runs never overlap, as on AWS, where a run's timeout is its period). Returns a stop
 * function that resolves once the run in progress has ended.
 */
const scheduleWatchdog = () => {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await invokeFunction({ port: PORTS.LAMBDA_PORT, functionName: `${PREFIX}-sagaWatchdog` });
      } catch {
        /* the stack is restarting, or the run failed: the next run comes anyway */
      }
      if (!stopped) await sleep(WATCHDOG_EVERY_MS);
    }
  })();
  return () => {
    stopped = true;
    return loop;
  };
};

// Every restart of the stack registers its own last-resort kill on exit.
process.setMaxListeners(4 * KILLS + 20);
// Ctrl-C: exit, which kills what is running (each process's own exit handler).
const stopOnSignal = () => process.exit(130);
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
