'use strict';
/**
 * `npm run bench -- --flash-sale [--orders 2000] [--stock 500] [--shards 16] [--rate 8] [--conflict-rate 0.3] [--customers N]`
 *
 * A flash sale on the real local stack: one product, every order from its own funded customer in a
 * served country (or from `--customers` customers in turn: 1 is a business customer buying in bulk,
 * whose account and points are hot too), quantity 1, all placed at once (open loop at `--rate`),
 * far more orders than units. Run twice on one stack: without contention, then with `transactionConflict` at the rate
 * chosen (the fault proxy cancels that share of the requests that touch the hottest items, as
 * DynamoDB cancels transactions that meet on one item; DynamoDB Local alone never does). The
 * deployed deadline and Lambda's deployed retry delays apply (no local time factor), so "settled
 * before its deadline" and "nothing in the failure destination" mean what they mean on AWS.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startStack, ROOT } = require('../../emulator/stack');
const { localClient } = require('../../emulator/dynamodb-local');
const { deployedSagaTimeoutSeconds, consumerFailures, consumerFailuresFile } = require('../../emulator/async-invoke');
const { startFaultProxy } = require('../chaos/fault-proxy');
const { dynamoDbRules } = require('../chaos/faults');
const { seedRun } = require('../workload');
const { invokeFunction } = require('../shared/lambda');
const { readFrom, sizeOf } = require('../shared/logs');
const { batchGet, scanAll } = require('../shared/tables');
const { readSnapshot } = require('../verify/snapshot');
const { checkInvariants } = require('../verify/checks');
const { summarize } = require('./stats');

const STAGE = 'benchflash';
const PREFIX = `order-saga-${STAGE}`;
const PORTS = { HTTP_PORT: 3600, LAMBDA_PORT: 3602, EVENTBRIDGE_PORT: 3610, EVENTBRIDGE_PUBSUB_PORT: 3611, FUNCTIONS_DYNAMODB_PORT: 3620, DYNAMODB_PORT: 3621 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The log line of every re-run of a handler inside its invocation (lib/platform/middleware/consumer.ts). */
const RERUN = /running the handler again on fresh state/g;

/** Places every order at `rate` per second without waiting for answers (customers do not queue politely). */
const placeAll = async ({ baseUrl, productId, buyers, tokens, rate }) => {
  const started = Date.now();
  const answers = [];
  const inflight = buyers.map(async (customer, i) => {
    const wait = started + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const res = await fetch(`${baseUrl}/orders`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[customer.customerId]}`, 'Idempotency-Key': `flash-${i}` },
          body: JSON.stringify({ items: [{ productId, quantity: 1 }] }),
        });
        const body = await res.json();
        // A client retries what may not have been taken (5xx), with its key: never a second order.
        if (res.status >= 500 && attempt < 5) {
          await sleep(200 * attempt);
          continue;
        }
        answers.push({ status: res.status, orderId: body.orderId, at: Date.now() });
        return;
      } catch (error) {
        if (attempt >= 5) return answers.push({ status: 0, error: String(error), at: Date.now() });
        await sleep(200 * attempt);
      }
    }
  });
  await Promise.all(inflight);
  const accepted = answers.filter((a) => a.status === 201);
  const lastAnswer = Math.max(...accepted.map((a) => a.at));
  return { accepted, refused: answers.filter((a) => a.status !== 201), seconds: (lastAnswer - started) / 1000 };
};

/** A product's stock over its shards, read straight from the table. */
const stockOf = async (client, productId, shards) => {
  const keys = Array.from({ length: shards }, (_, k) => ({ productId: k === 0 ? productId : `${productId}#${k}` }));
  return (await batchGet(client, `${PREFIX}-products`, keys)).reduce((sum, item) => sum + item.stock, 0);
};

/**
 * One flash sale on a running stack: its own product and customers, so runs on one stack never
 * share stock or money.
 */
const runSale = async ({ stack, client, proxy, hot, orders, customers: customerCount, stock, shards, rate, conflictRate, log }) => {
  const run = randomUUID().slice(0, 6);
  const product = { productId: `flash-${run}`, name: 'Flash sale grinder', price: 1000, stock, shards };
  const customers = Array.from({ length: Math.min(orders, customerCount ?? orders) }, (_, i) => ({ customerId: `flash-${run}-${i}`, balance: 1_000_000_000 }));
  const buyers = Array.from({ length: orders }, (_, i) => customers[i % customers.length]);
  const loadCatalogue = (catalogue) => invokeFunction({ port: PORTS.LAMBDA_PORT, functionName: `${PREFIX}-loadCatalogue`, payload: catalogue });
  const { baseline, tokens } = await seedRun({ client, stage: STAGE, products: [product], customers, tokenSeconds: 3600, loadCatalogue });
  const before = await stockOf(client, product.productId, shards);
  if (before !== stock) throw new Error(`the product was loaded with ${before} units, not ${stock}`);

  proxy.counts.transactionConflict = 0;
  hot.requests = 0;
  // The product's shards are hot; so are a customer's account and points when few customers buy it all.
  hot.ids = [product.productId, ...(customers.length <= 10 ? customers.map((c) => c.customerId) : [])];
  const p = { transactionConflict: conflictRate };
  proxy.setRules(dynamoDbRules({ p, hot: hot.tracker }));
  const logOffset = sizeOf(stack.logFile);
  log(`flash sale: ${orders} orders from ${customers.length} customers for ${stock} units over ${shards} shards at ${rate}/s, ${Math.round(conflictRate * 100)} % of the hot items' requests conflicting`);
  const placed = await placeAll({ baseUrl: stack.baseUrl, productId: product.productId, buyers, tokens, rate });
  log(`  ${placed.accepted.length} accepted in ${placed.seconds.toFixed(1)} s (${Math.round(placed.accepted.length / placed.seconds)}/s), ${placed.refused.length} refused`);

  // Settle: every order confirmed or cancelled, or its deadline (and the watchdog's next run) passed.
  // Every order of the run's customers counts, answered 201 or not: a client that gave up on an
  // answer (a timeout) may still have had its order committed, and that order buys stock too.
  const runCustomers = new Set(customers.map((c) => c.customerId));
  const ids = (await scanAll(client, `${PREFIX}-orders`)).filter((o) => runCustomers.has(o.customerId)).map((o) => o.orderId);
  const deadlineMs = deployedSagaTimeoutSeconds() * 1000;
  const settled = new Map();
  for (const until = Date.now() + deadlineMs + 90_000; settled.size < ids.length && Date.now() < until; ) {
    const missing = ids.filter((id) => !settled.has(id));
    for (const o of await batchGet(client, `${PREFIX}-orders`, missing.map((orderId) => ({ orderId })))) if (o.status !== 'PENDING') settled.set(o.orderId, o);
    if (settled.size < ids.length) await sleep(2000);
  }
  // Compensation and the last hops go on after the order is settled (the keeper records each answer,
  // behind the backlog): the books are read until they balance, for as long as the watchdog's
  // re-drive of unrecorded compensation takes at most.
  let check;
  const idSet = new Set(ids);
  const inScope = (o) => idSet.has(o.orderId) || runCustomers.has(o.customerId);
  const settledAt = Date.now();
  for (const until = Date.now() + 360_000; ; ) {
    const snapshot = await readSnapshot({ client, prefix: PREFIX });
    check = checkInvariants(snapshot, { baseline: { stock: baseline.stock, balance: baseline.balance }, inScope, sweeperWindowMs: 45_000, watchdogPeriodMs: 65_000 });
    if (check.violations.length === 0 || Date.now() > until) break;
    await sleep(5000);
  }
  const booksBalancedAfterSeconds = Math.round((Date.now() - settledAt) / 1000);
  proxy.setRules([]);
  const after = await stockOf(client, product.productId, shards);
  const all = [...settled.values()];
  const confirmed = all.filter((o) => o.status === 'CONFIRMED');
  const cancelled = all.filter((o) => o.status === 'CANCELLED');
  const sold = before - after;
  const text = readFrom(stack.logFile, logOffset).text;
  const reruns = [...text.matchAll(RERUN)].length;
  const result = {
    orders: ids.length,
    stock,
    shards,
    conflictRate,
    confirmed: confirmed.length,
    sold,
    oversold: Math.max(0, sold - stock, confirmed.length - stock) + (after < 0 ? -after : 0),
    cancelled: cancelled.length,
    cancelledOutOfStock: cancelled.filter((o) => /Insufficient stock/.test(o.reason ?? '')).length,
    unsettled: ids.length - settled.size,
    // Counted at the end of the bench, by order, once every retry had time to land (flashSale).
    failureDestination: null,
    violations: check.violations.length,
    /** From the last order settled until every invariant held (compensation recorded, every row published). */
    booksBalancedAfterSeconds,
    violationKinds: [...new Set(check.violations.map((v) => v.kind))],
    conflicts: proxy.counts.transactionConflict ?? 0,
    customers: customers.length,
    /** Requests (attempts included) that wrote a hot item (the product's shards; with few customers, their accounts and points), and the share of them cancelled. */
    hotRequests: hot.requests,
    conflictShare: hot.requests ? Math.round(((proxy.counts.transactionConflict ?? 0) / hot.requests) * 1000) / 1000 : 0,
    conflictsPerSaga: Math.round(((proxy.counts.transactionConflict ?? 0) / ids.length) * 1000) / 1000,
    rerunsPerSaga: Math.round((reruns / ids.length) * 1000) / 1000,
    acceptedPerSecond: Math.round(placed.accepted.length / placed.seconds),
    refused: placed.refused.length,
    /** Orders committed although their client never heard 201 (it gave up on a timeout): counted above like every other. */
    committedUnanswered: ids.length - placed.accepted.length,
    rate,
    settledMs: (({ p50, p99, max }) => ({ p50, p99, max }))(summarize(all.map((o) => Date.parse(o.updatedAt) - Date.parse(o.createdAt)))),
    deadlineSeconds: deadlineMs / 1000,
  };
  log(
    `  ${result.confirmed} confirmed (${sold} sold, ${result.oversold} oversold), ${result.cancelled} cancelled (${result.cancelledOutOfStock} out of stock), ${result.unsettled} unsettled; ` +
      `settled p50 ${result.settledMs.p50} p99 ${result.settledMs.p99} ms; ${result.conflicts} conflicts injected (${result.conflictsPerSaga}/saga), ${reruns} handler re-runs; ` +
      `${result.violations} violations${result.violations ? ` (${result.violationKinds.join(', ')})` : ''}`,
  );
  return { result, ids };
};

/**
 * Lambda retries a failed asynchronous invocation 1 and then 2 minutes later (the deployed delays
 * here): an event that failed near the end of a run reaches the failure destination minutes after
 * its saga looked settled. The destination is read once nothing new has landed in it for this long.
 */
const FAILURES_QUIET_MS = 200_000;
const FAILURES_MAX_WAIT_MS = 600_000;
const awaitQuietFailures = async (log) => {
  let count = consumerFailures(STAGE).length;
  let lastChange = Date.now();
  for (const until = Date.now() + FAILURES_MAX_WAIT_MS; Date.now() - lastChange < FAILURES_QUIET_MS && Date.now() < until; ) {
    await sleep(10_000);
    const now = consumerFailures(STAGE).length;
    if (now !== count) [count, lastChange] = [now, Date.now()];
  }
  log(`  failure destination quiet for ${Math.round((Date.now() - lastChange) / 1000)} s: ${count} entries`);
  return consumerFailures(STAGE);
};

/**
 * Both runs on one stack: without contention (the baseline), then with it. Returns
 * `{ ...the contended run, baseline: the uncontended run }`.
 */
const flashSale = async ({ orders, customers, stock, shards, rate, conflictRate, log }) => {
  // Requests reach DynamoDB Local through the proxy; its rules are switched per run. The hot items
  // are the sale's product, every shard of it from the first request on (chaos finds them by their
  // traffic instead, local/harness/chaos/hot-items.js): the conflict rate is the product's.
  const hot = {
    requests: 0,
    ids: [],
    tracker: {
      touch: (names) => {
        const hotName = (name) => hot.ids.some((id) => name.includes(`"S":"${id}"`) || name.includes(`"S":"${id}#`) || name.includes(`"S":"CUSTOMER#${id}`));
        const at = names.findIndex((name) => name && hotName(name));
        if (at >= 0) hot.requests += 1;
        return at;
      },
    },
  };
  let rules = [];
  const proxy = await startFaultProxy({ port: PORTS.FUNCTIONS_DYNAMODB_PORT, target: `http://127.0.0.1:${PORTS.DYNAMODB_PORT}`, rules: [(req) => rules.map((rule) => rule(req)).find(Boolean)], name: 'dynamodb' });
  proxy.setRules = (next) => {
    rules = next;
  };
  fs.rmSync(consumerFailuresFile(STAGE), { force: true });
  const env = Object.fromEntries(Object.entries({ ...PORTS, ESBUILD_WORK_FOLDER: `.esbuild-${STAGE}` }).map(([k, v]) => [k, String(v)]));
  // The deployed deadline: the local time factor is 1, so Lambda's retries wait their real 1 and 2 minutes.
  const params = { sagaTimeoutSeconds: String(deployedSagaTimeoutSeconds()) };
  log(`starting the flash-sale stack (stage ${STAGE}, ports 3600+)`);
  const stack = await startStack({ env, params, stage: STAGE, demoData: false, logFile: path.join(ROOT, '.local-data', `bench-${STAGE}.log`), log: () => {} });
  const client = localClient(PORTS.DYNAMODB_PORT);
  try {
    const baseline = await runSale({ stack, client, proxy, hot, orders, customers, stock, shards, rate, conflictRate: 0, log });
    const contended = await runSale({ stack, client, proxy, hot, orders, customers, stock, shards, rate, conflictRate, log });
    log('waiting until every retry has landed (Lambda retries 1 and 2 minutes after a failure)');
    const failures = await awaitQuietFailures(log);
    for (const run of [baseline, contended]) {
      const ids = new Set(run.ids);
      run.result.failureDestination = failures.filter((f) => ids.has(f.aggregateId)).length;
      log(`  ${Math.round(run.result.conflictRate * 100)} % conflicts: ${run.result.failureDestination} events of its orders in the failure destination`);
    }
    return { ...contended.result, baseline: baseline.result };
  } finally {
    client.destroy();
    await stack.stop();
    await proxy.close();
  }
};

module.exports = { flashSale };
