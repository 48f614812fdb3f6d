'use strict';
/**
 * `npm run soak [-- --minutes N] [--rate R] [--seed S]`
 *
 * A steady load for N minutes (default 5) at R orders a second (default 5) on its own stack (stage
 * `soak`, ports 6200+, persistent data in .local-data/soak), no faults injected. Every minute it
 * prints one line: orders placed, sagas finished, their saga latency p50/p99 (order `createdAt` →
 * `updatedAt` when it leaves PENDING), events published, outbox rows the sweeper had to recover,
 * dead letters, sagas in flight, and the resident memory of every process of the stack (DynamoDB
 * Local's JVM, `serverless offline` and its children). After the load it lets the sagas settle,
 * runs the invariant checker of `npm run verify` against the stock and balances it started from,
 * and ends with one verdict line; exits 1 when anything failed (the rules and their thresholds:
 * docs/verification.md, "Soak", and local/harness/soak/figures.js). The table, the samples and the verdicts are kept in
 * .local-data/soak-report.json.
 *
 * What it watches costs the same in minute 30 as in minute 1, or the observer would be what makes
 * latency grow: orders are read by key (the ids the API answered, until they leave PENDING); the
 * publishing figures come from the metrics the functions emit (CloudWatch embedded metric format,
 * switched on for this stack as on every deployed stage), read from the stack's log as it grows.
 * Only the final check reads every table, once; it is also the authority on which path published
 * each outbox row (`publishedBy`).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startStack, ROOT } = require('../../emulator/stack');
const { localClient } = require('../../emulator/dynamodb-local');
const { mulberry32, seedRun } = require('../workload');
const { option } = require('../shared/options');
const { batchGet, countItems } = require('../shared/tables');
const { stackProcesses, rssMiB } = require('../shared/processes');
const { tailer } = require('../shared/logs');
const { readSnapshot, tableNames } = require('../verify/snapshot');
const { checkInvariants } = require('../verify/checks');
const figures = require('./figures');

const MINUTES = Number(option('minutes', 5));
const RATE = Number(option('rate', 5));
if (!(Number.isInteger(MINUTES) && MINUTES >= 1) || !(RATE > 0)) {
  console.error('usage: npm run soak -- --minutes N (a whole number, 1 or more) [--rate R (orders a second, > 0)] [--seed S]');
  process.exit(2);
}
const STAGE = 'soak';
const PREFIX = `order-saga-${STAGE}`;
const TABLES = tableNames(PREFIX);
const PORTS = { HTTP_PORT: 6200, LAMBDA_PORT: 6202, EVENTBRIDGE_PORT: 6210, EVENTBRIDGE_PUBSUB_PORT: 6211, DYNAMODB_PORT: 6221 };
// Metrics on, as on every deployed stage: they are also what this run reads the relay's work from.
const env = { ...Object.fromEntries(Object.entries(PORTS).map(([k, v]) => [k, String(v)])), LOCAL_METRICS: '1' };
const DATA_DIR = path.join(ROOT, '.local-data', 'soak');
const STACK_LOG = path.join(ROOT, '.local-data', 'soak-stack.log');
const REPORT_FILE = path.join(ROOT, '.local-data', 'soak-report.json');
// The local stream trigger appends a batch it had to give up on here (local/emulator/serverless-plugin.js).
const STREAM_FAILURES = path.join(ROOT, '.local-data', `stream-on-failure-${STAGE}.jsonl`);
// The sweeper on the local stack's timings (serverless.yml, params.local); everything else as deployed.
const PARAMS = { sweepGraceSeconds: '5', sweepIntervalSeconds: '15' };
const MINUTE_MS = 60_000;
const TICK_MS = 10_000;
const SETTLE_MS = 120_000;

const log = (line) => console.log(`[soak] ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SEED = Number(option('seed', Date.now() % 100000));
const random = mulberry32(SEED);

const fileLines = (file) => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

// ---- presentation ----

const pad = (value, width) => String(value ?? '-').padStart(width);
const HEADER = `${pad('min', 4)} ${pad('placed', 6)} ${pad('done', 5)} ${pad('p50', 6)} ${pad('p99', 6)} ${pad('events', 6)} ${pad('sweep', 5)} ${pad('dl', 3)} ${pad('flight', 6)}  RSS MiB`;
const lineOf = (m) =>
  `${pad(m.label, 4)} ${pad(m.placed, 6)} ${pad(m.finished, 5)} ${pad(m.p50, 6)} ${pad(m.p99, 6)} ${pad(m.eventsPublished, 6)} ${pad(m.sweeperRecovered, 5)} ${pad(m.deadLetters, 3)} ${pad(m.inFlight, 6)}  ${Object.entries(m.rss)
    .map(([label, mib]) => `${label} ${Math.round(mib)}`)
    .join(', ')}`;

const main = async () => {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const failuresAtStart = fileLines(STREAM_FAILURES);

  let stack;
  let report = { command: `npm run soak -- --minutes ${MINUTES} --rate ${RATE} --seed ${SEED}`, stage: STAGE, params: PARAMS, minutes: [] };
  const writeReport = () => {
    fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
    fs.writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  };
  // Ctrl-C or a TERM: stop the stack (JVM included) and keep what was measured so far.
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the stack ...`);
    report = { ...report, interrupted: signal };
    writeReport();
    void (stack ? stack.stop() : Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log(`seed ${SEED}; starting the stack (stage ${STAGE}, ports 6200+, data in ${path.relative(ROOT, DATA_DIR)}, log in ${path.relative(ROOT, STACK_LOG)}) ...`);
  stack = await startStack({ env, stage: STAGE, params: PARAMS, dataDir: DATA_DIR, logFile: STACK_LOG, log: () => {} });
  // A process of the stack that dies during the run (out of memory, say) ends it at once.
  let crashed;
  let stopping = false;
  const watchExit = (what, exited) =>
    void exited.then(({ code, signal }) => {
      if (!stopping) crashed ??= `${what} exited during the run (code ${code}, signal ${signal}); see ${path.relative(ROOT, STACK_LOG)}`;
    });
  watchExit('serverless offline', stack.exited);
  watchExit('DynamoDB Local', stack.dynamodb.exited);
  const stopped = () => interrupted || crashed !== undefined;
  const client = localClient(PORTS.DYNAMODB_PORT);
  let result;
  try {
    // `break run` leaves early, on a signal or when the stack died.
    run: {
      // The run's own catalogue and customers, and the figures they start from. Stock and money are
      // plentiful enough for hours at any rate this machine sustains, so the mix never drifts.
      const runId = randomUUID().slice(0, 6);
      const products = {
        plenty: { productId: `soak-${runId}-plenty`, price: 1000, stock: 1_000_000_000 },
        other: { productId: `soak-${runId}-other`, price: 2500, stock: 1_000_000_000 },
        none: { productId: `soak-${runId}-none`, price: 700, stock: 0 },
      };
      const customers = {
        rich: { customerId: `soak-${runId}-rich`, balance: 1_000_000_000_000 },
        broke: { customerId: `soak-${runId}-broke`, balance: 0 },
      };
      const { baseline, tokens } = await seedRun({ client, stage: STAGE, products: Object.values(products), customers: Object.values(customers), tokenSeconds: MINUTES * 60 + 3600 });
      report.baseline = baseline;

      // 70 % confirmed (one line), 10 % confirmed (two lines), 10 % stock-outs (cancelled by
      // the reservation), 10 % declined charges (cancelled, the reservation released).
      const mix = () => {
        const r = random();
        if (r < 0.7) return { customerId: customers.rich.customerId, items: [{ productId: products.plenty.productId, quantity: 1 + Math.floor(random() * 3) }] };
        if (r < 0.8) return { customerId: customers.rich.customerId, items: [{ productId: products.plenty.productId, quantity: 1 }, { productId: products.other.productId, quantity: 1 }] };
        if (r < 0.9) return { customerId: customers.rich.customerId, items: [{ productId: products.none.productId, quantity: 1 }] };
        return { customerId: customers.broke.customerId, items: [{ productId: products.plenty.productId, quantity: 1 }] };
      };

      // ---- what is measured, per minute ----
      const startedAt = Date.now();
      const loadEndsAt = startedAt + MINUTES * MINUTE_MS;
      const minuteOf = (t) => Math.floor((t - startedAt) / MINUTE_MS) + 1;
      const minutes = [];
      const minuteRow = (m) =>
        (minutes[m - 1] ??= {
          minute: m,
          label: m > MINUTES ? `s${m - MINUTES}` : String(m),
          placed: 0,
          refused: 0,
          latencies: [],
          confirmed: 0,
          cancelled: 0,
          eventsPublished: 0,
          sweeperRecovered: 0,
          sweeps: 0,
          oldestUnpublishedMs: null,
          invocationFailures: 0,
          eventsDeadLettered: 0,
          redriven: 0,
          watchdogFailures: 0,
        });
      let openMinute = 1; // earlier minutes are printed: whatever is seen late counts in this one
      const bucket = (t) => minuteRow(Math.max(openMinute, minuteOf(t)));

      const inFlight = new Set(); // order ids still PENDING
      const refusals = [];
      let accepted = 0;
      const place = async ({ customerId, items }, key) => {
        const sentAt = Date.now();
        try {
          const res = await fetch(`${stack.baseUrl}/orders`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[customerId]}`, ...(key ? { 'Idempotency-Key': key } : {}) },
            body: JSON.stringify({ items }),
          });
          const json = await res.json().catch(() => ({}));
          if (res.status === 201 && json.orderId) {
            accepted += 1;
            inFlight.add(json.orderId);
            bucket(sentAt).placed += 1;
            return;
          }
          refusals.push({ status: res.status, body: json });
        } catch (error) {
          refusals.push({ status: 0, body: String(error) });
        }
        bucket(sentAt).refused += 1;
      };
      const placeAll = async () => {
        const requests = [];
        for (let i = 0; ; i += 1) {
          const due = startedAt + (i * 1000) / RATE;
          if (due >= loadEndsAt || stopped()) break;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
          // Half the clients send an Idempotency-Key, as careful ones do (one more row per order).
          requests.push(place(mix(), random() < 0.5 ? randomUUID() : undefined));
        }
        await Promise.all(requests);
      };

      // Orders in flight, read by key: each finished one gives its saga latency.
      const pollOrders = async () => {
        if (inFlight.size === 0) return;
        const items = await batchGet(client, TABLES.orders, [...inFlight].map((orderId) => ({ orderId })), {
          ProjectionExpression: 'orderId, #s, createdAt, updatedAt',
          ExpressionAttributeNames: { '#s': 'status' },
        });
        for (const o of items) {
          if (o.status === 'PENDING') continue;
          inFlight.delete(o.orderId);
          const row = bucket(Date.parse(o.updatedAt));
          row.latencies.push(Date.parse(o.updatedAt) - Date.parse(o.createdAt));
          if (o.status === 'CONFIRMED') row.confirmed += 1;
          else row.cancelled += 1;
        }
      };

      // The stack's log: what the relay published and what the sweeper had to recover, whether the
      // sweeps ran at all, failed invocations, dead-lettered events.
      const readLog = tailer(STACK_LOG);
      const sweepsByService = {};
      const readMetrics = () => {
        for (const line of readLog()) {
          const recovery = figures.parseSweeperRecovery(line);
          if (recovery) bucket(recovery.at).sweeperRecovered += recovery.recovered;
          const emf = figures.parseEmf(line);
          if (!emf) continue;
          const row = bucket(emf.at);
          const sum = (name) => (emf.values[name] ?? []).reduce((s, v) => s + v, 0);
          // The sweeper's recoveries come from its log line above, at once; its metric only when
          // the invocation (four sweeps, 45 s) ends.
          row.eventsPublished += sum('EventsPublished');
          row.invocationFailures += sum('InvocationFailures');
          row.eventsDeadLettered += sum('EventsDeadLettered');
          // The watchdog re-publishing what a consumer never processed: nothing should need it here.
          row.redriven += sum('DeliveryRedriven') + sum('CompensationRedriven');
          row.watchdogFailures += sum('WatchdogFailures');
          const ages = emf.values.OutboxOldestUnpublishedAge ?? [];
          if (ages.length) {
            row.sweeps += ages.length;
            row.oldestUnpublishedMs = Math.max(row.oldestUnpublishedMs ?? 0, ...ages);
            // The sweepers' service names are `<service>-outbox`.
            const service = String(emf.service).replace(/-outbox$/, '');
            sweepsByService[service] = (sweepsByService[service] ?? 0) + ages.length;
          }
        }
      };

      const processLabels = new Map();
      const rssSamples = {}; // label → [{ tMin, mib }]
      const processCounts = []; // [{ tMin, n }]
      const cpuTicks = {}; // label → CPU clock ticks used so far (100 a second)
      const cpuAtLastClose = {};
      const sampleMemory = () => {
        const tMin = (Date.now() - startedAt) / MINUTE_MS;
        const seen = {};
        for (const p of stackProcesses(stack, processLabels)) {
          const mib = rssMiB(p.pid);
          if (mib === null) continue;
          seen[p.label] = mib;
          (rssSamples[p.label] ??= []).push({ tMin, mib });
          cpuTicks[p.label] = p.cpuTicks;
        }
        processCounts.push({ tMin, n: Object.keys(seen).length });
        return seen;
      };
      /** Percent of one core each process used since the last minute closed. */
      const cpuSinceLastClose = (seconds) => {
        const used = Object.fromEntries(Object.entries(cpuTicks).map(([label, ticks]) => [label, Math.round((ticks - (cpuAtLastClose[label] ?? ticks)) / seconds)]));
        Object.assign(cpuAtLastClose, cpuTicks);
        return used;
      };

      let lastClose = startedAt;
      const closeMinute = async (m) => {
        const began = Date.now();
        await pollOrders();
        readMetrics();
        const row = minuteRow(m);
        row.finished = row.latencies.length;
        row.p50 = figures.percentile(row.latencies, 0.5);
        row.p99 = figures.percentile(row.latencies, 0.99);
        row.deadLetters = await countItems(client, TABLES.deadLetters);
        row.streamBatchesDiscarded = fileLines(STREAM_FAILURES) - failuresAtStart;
        row.inFlight = inFlight.size;
        // What this observer cost: it must stay flat, or it would be what makes latency grow.
        row.observeMs = Date.now() - began;
        row.rss = sampleMemory();
        row.cpuPercent = cpuSinceLastClose((Date.now() - lastClose) / 1000);
        lastClose = Date.now();
        openMinute = m + 1;
        log(lineOf(row));
        report.minutes = minutes.map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => key !== 'latencies')));
        writeReport();
      };

      /** Samples memory and reads the orders in flight every `tickMs` until `until` or `done()`. */
      const tickUntil = async (until, { tickMs = TICK_MS, done = () => false } = {}) => {
        while (Date.now() < until && !stopped() && !done()) {
          await sleep(Math.min(tickMs, until - Date.now()));
          sampleMemory();
          await pollOrders();
          readMetrics();
        }
      };

      log(`${MINUTES} min at ${RATE} orders/s (70 % confirmed, 10 % two-line confirmed, 10 % stock-outs, 10 % declined); sweeper grace ${PARAMS.sweepGraceSeconds} s, every ${PARAMS.sweepIntervalSeconds} s`);
      log('placed: orders answered 201; done: sagas that left PENDING, p50/p99 their latency (ms); events: published by the relay; sweep: outbox rows the sweeper recovered; dl: dead letters (total); flight: sagas still PENDING');
      log(HEADER);
      sampleMemory();
      cpuSinceLastClose(1);
      const load = placeAll();
      for (let m = 1; m <= MINUTES && !stopped(); m += 1) {
        await tickUntil(startedAt + m * MINUTE_MS);
        if (!stopped()) await closeMinute(m);
      }
      await load;
      if (stopped()) break run;

      // ---- settle: in-flight sagas finish, then the books must balance ----
      log(`load over: ${accepted} orders accepted, ${refusals.length} refused; letting the sagas settle (up to ${SETTLE_MS / 1000} s) ...`);
      const settleUntil = Date.now() + SETTLE_MS;
      const runCustomers = new Set(Object.values(customers).map((c) => c.customerId));
      const inScope = (o) => runCustomers.has(o.customerId);
      const checkBooks = async () => {
        const snapshot = await readSnapshot({ client, prefix: PREFIX });
        // The sweeper's window on these timings: grace 5 s + sweeps 15 s apart + the minute schedule's own delay.
        return { snapshot, check: checkInvariants(snapshot, { baseline, inScope, sweeperWindowMs: 45_000, watchdogPeriodMs: 65_000 }) };
      };
      // Settle minutes are printed like the others (s1, s2, ...); the last one once the books balance.
      let m = MINUTES + 1;
      for (;;) {
        const until = Math.min(settleUntil, startedAt + m * MINUTE_MS);
        await tickUntil(until, { tickMs: 2000, done: () => inFlight.size === 0 });
        if (stopped()) break run;
        if (inFlight.size === 0 || Date.now() >= settleUntil) break;
        await closeMinute(m);
        m += 1;
      }
      // No saga in flight: compensation steps and awards may still be on their way; read the books
      // until they balance (or the settle time is up).
      let books;
      for (;;) {
        books = await checkBooks();
        if ((books.check.violations.length === 0 && inFlight.size === 0) || Date.now() >= settleUntil || stopped()) break;
        await sleep(3000);
        await pollOrders();
      }
      if (stopped()) break run;
      await closeMinute(m);
      const settleSeconds = Math.round((Date.now() - loadEndsAt) / 1000);

      // ---- the books: which path published each outbox row of the run, by minute ----
      const { snapshot, check } = books;
      const booksByMinute = new Map();
      for (const rows of Object.values(snapshot.outboxes)) {
        for (const r of rows) {
          if (r.publishedAt === undefined || Number(r.createdAt) < startedAt - MINUTE_MS) continue;
          const minute = Math.max(1, Math.min(minuteOf(Number(r.publishedAt)), minutes.length));
          const entry = booksByMinute.get(minute) ?? { sweeper: 0, published: 0 };
          entry.published += 1;
          if (r.publishedBy === 'sweeper') entry.sweeper += 1;
          booksByMinute.set(minute, entry);
        }
      }
      // Per minute, the larger of what the sweeper reported (its metric) and what the rows record:
      // a sweep that raced the stream path counts too (the row waited past the grace period).
      const sweeperRows = minutes.map((row) => {
        const recorded = booksByMinute.get(row.minute) ?? { sweeper: 0, published: 0 };
        return { label: row.label, sweeper: Math.max(recorded.sweeper, row.sweeperRecovered), published: recorded.published, booksSweeper: recorded.sweeper, metricSweeper: row.sweeperRecovered };
      });

      // ---- verdicts ----
      const failures = [];
      const warnings = [];
      const violations = [...check.violations];
      const stored = new Set(snapshot.orders.map((o) => o.orderId));
      const stillPending = snapshot.orders.filter((o) => inScope(o) && o.status === 'PENDING');
      if (violations.length) failures.push(`${violations.length} invariant violation(s)`);
      if (stillPending.length) failures.push(`${stillPending.length} saga(s) still PENDING ${settleSeconds} s after the load: ${stillPending.slice(0, 5).map((o) => o.orderId).join(', ')}`);
      if (refusals.length) failures.push(`${refusals.length} order(s) refused by the API (a soak sends only valid orders), e.g. ${JSON.stringify(refusals[0])}`);
      if (stored.size < accepted) failures.push(`${accepted - stored.size} acknowledged order(s) missing from the orders table`);
      const deadLetters = snapshot.deadLetters.length;
      if (deadLetters) failures.push(`${deadLetters} dead letter(s) (a soak sends no bad input): ${snapshot.deadLetters.slice(0, 3).map((d) => d.reason).join('; ')}`);
      const discarded = fileLines(STREAM_FAILURES) - failuresAtStart;
      if (discarded) failures.push(`${discarded} stream batch(es) discarded by the stream trigger (see ${path.relative(ROOT, STREAM_FAILURES)})`);
      const sweeper = figures.sweeperVerdict(sweeperRows);
      failures.push(...sweeper.problems);
      // The fallback must be alive too: every outbox's sweeper reports each sweep (its oldest-row age).
      if (MINUTES >= 2) {
        const silent = Object.keys(TABLES.outboxes).filter((service) => !sweepsByService[service]);
        if (silent.length) failures.push(`no sweep reported by the ${silent.join(', ')} sweeper(s) in ${MINUTES} minutes: the fallback is not running (or its metrics are not in ${path.relative(ROOT, STACK_LOG)})`);
      }
      // Re-drives are the watchdog covering for a delivery the bus never completed: not a broken
      // invariant (that is what they prevent), but worth a look when nothing was injected.
      const redriven = minutes.reduce((n, r) => n + r.redriven, 0);
      if (redriven) warnings.push(`the watchdog re-drove ${redriven} event(s) (DeliveryRedriven, CompensationRedriven): a consumer missed a delivery with no fault injected`);
      const watchdogFailures = minutes.reduce((n, r) => n + r.watchdogFailures, 0);
      if (watchdogFailures) warnings.push(`the watchdog failed on ${watchdogFailures} saga(s) (WatchdogFailures); see ${path.relative(ROOT, STACK_LOG)}`);
      const loadMinutes = minutes.slice(0, MINUTES);
      const latency = figures.latencyVerdict(loadMinutes);
      if (latency.level === 'fail') failures.push(`saga latency grew: ${latency.reason}`);
      if (latency.level === 'warn') warnings.push(`saga latency grew: ${latency.reason}`);
      const warmupMin = figures.warmupMinutes(MINUTES);
      const memory = Object.fromEntries(Object.entries(rssSamples).map(([label, samples]) => [label, figures.growthVerdict(samples.filter((s) => s.tMin <= MINUTES), { warmupMin, endMin: MINUTES })]));
      for (const [label, v] of Object.entries(memory)) if (v.grew) failures.push(`${label} resident memory ${v.reason}`);
      const countsAfterWarmup = processCounts.filter((c) => c.tMin >= warmupMin && c.tMin <= MINUTES);
      if (countsAfterWarmup.length && Math.max(...countsAfterWarmup.map((c) => c.n)) > countsAfterWarmup[0].n) {
        failures.push(`the stack's processes grew in number after the warm-up: ${countsAfterWarmup[0].n} → ${Math.max(...countsAfterWarmup.map((c) => c.n))}`);
      }

      for (const v of violations) console.log(`VIOLATION ${v.kind}: ${v.message}  [${v.ids.join(', ')}]`);
      for (const w of warnings) log(`WARN ${w}`);
      for (const f of failures) log(`FAIL ${f}`);
      log(`latency: ${latency.reason}`);
      for (const [label, v] of Object.entries(memory)) log(`memory ${label}: ${v.reason}`);

      const last = loadMinutes[loadMinutes.length - 1];
      const rssText = Object.entries(memory)
        .map(([label, v]) => `${label} ${Math.round(v.judged ? v.fromMiB : v.firstMiB)}→${Math.round(v.lastMiB)} MiB`)
        .join(', ');
      const pass = failures.length === 0;
      const line = `soak ${MINUTES} min: ${accepted} orders (${check.counts.confirmed} confirmed, ${check.counts.cancelled} cancelled), p50 ${last.p50 ?? '-'} ms, p99 ${last.p99 ?? '-'} ms (last minute), sweeper recovered ${sweeper.sweeper} of ${sweeper.published} rows, dead letters ${deadLetters}, RSS ${rssText}, ${violations.length} violations: ${pass ? 'PASS' : 'FAIL'}`;
      report = {
        ...report,
        seed: SEED,
        rate: RATE,
        startedAt: new Date(startedAt).toISOString(),
        settleSeconds,
        warmupMinutes: warmupMin,
        accepted,
        refused: refusals.length,
        counts: check.counts,
        deadLetters,
        streamBatchesDiscarded: discarded,
        sweepsByService,
        sweeper: { ...sweeper, rows: sweeperRows },
        latency,
        memory,
        rssSamples,
        processCounts,
        redriven,
        watchdogFailures,
        violations,
        warnings,
        failures,
        pass,
        line,
      };
      writeReport();
      result = { line, pass };
    }
  } catch (error) {
    // A stack that died takes its requests down with it: its death is the news, not theirs (the
    // exit may be noticed a moment after a refused connection).
    if (!crashed) await sleep(1000);
    if (!crashed) throw error;
  } finally {
    stopping = true;
    client.destroy();
    if (!interrupted) await stack.stop();
  }
  if (interrupted) return; // the signal handler exits
  if (crashed) {
    log(`FAIL ${crashed}`);
    report = { ...report, crashed, pass: false, line: `soak ${MINUTES} min: ${crashed}: FAIL` };
    writeReport();
    console.log(report.line);
    process.exit(1);
  }
  console.log(result.line);
  process.exit(result.pass ? 0 : 1);
};

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
