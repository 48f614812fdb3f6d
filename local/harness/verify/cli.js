'use strict';
/**
 * `npm run verify [-- --stage local] [--endpoint http://127.0.0.1:8000] [--prefix order-saga-local]
 *   [--baseline baseline.json] [--since <ISO time>] [--json]`
 * Reads every table of a stage and checks the saga's invariants (local/harness/verify/checks.js), printing
 * each violation with the ids involved; exits 1 on any. Against AWS, leave out --endpoint and use the
 * usual AWS credentials. The baseline is `{ stock: { productId: n }, balance: { customerId: n } }`
 * captured before a run (chaos and soak write one); without it the ledger is checked for
 * consistency (held = confirmed) but not against absolute figures.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const { checkInvariants } = require('./checks');
const { readSnapshot, clientFor } = require('./snapshot');
const { localPorts } = require('../../emulator/ports');

const { option } = require('../shared/options');
// The local stack's on-failure destination (events a consumer gave up on after Lambda's retries):
// not a violation (nothing is lost: each event is kept with its error), but each needs an operator:
// fix the cause, then replay the order. On AWS the same records are in `<stage>-consumer-failures`.
const { consumerFailures } = require('../../emulator/async-invoke');

const main = async () => {
  const stage = option('stage', 'local');
  const prefix = option('prefix', `order-saga-${stage}`);
  const endpoint = option('endpoint', stage === 'local' || process.env.DYNAMODB_PORT ? `http://127.0.0.1:${localPorts().dynamodb}` : undefined);
  const baselineFile = option('baseline');
  const since = option('since');
  const client = clientFor(endpoint);
  const snapshot = await readSnapshot({ client, prefix });
  client.destroy();
  const { violations, counts } = checkInvariants(snapshot, {
    baseline: baselineFile ? JSON.parse(fs.readFileSync(baselineFile, 'utf8')) : undefined,
    inScope: since ? (order) => Date.parse(order.createdAt) >= Date.parse(since) : undefined,
    watchdogPeriodMs: Number(option('watchdog-period-ms', 60_000)),
    sweeperWindowMs: Number(option('sweeper-window-ms', 90_000)),
  });
  const failures = endpoint ? consumerFailures(stage) : [];
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ counts, violations, consumerFailures: failures }, null, 2));
  } else {
    for (const v of violations) console.log(`VIOLATION ${v.kind}: ${v.message}  [${v.ids.join(', ')}]`);
    for (const f of failures) {
      console.log(`FAILURE DESTINATION ${f.consumer} gave up on ${f.type} ${f.eventId} of ${f.aggregateId} after ${f.attempts} attempts (${f.condition}): ${f.error}`);
      console.log(`  once fixed: npx sls invoke local -f replayEvents --stage ${stage} --data '{"eventId":"${f.eventId}"}'`);
    }
    if (failures.length) console.log(`${failures.length} event(s) in the consumer failure destination (kept, not lost): fix the cause, then replay each (above).`);
    console.log(`${prefix}: ${counts.orders} orders (${counts.confirmed} confirmed, ${counts.cancelled} cancelled, ${counts.pending} pending), ${counts.outboxRows} outbox rows, ${counts.markers} markers, ${violations.length} violations`);
  }
  process.exit(violations.length ? 1 : 0);
};

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
