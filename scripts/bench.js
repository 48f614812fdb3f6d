'use strict';
/**
 * Latency benchmark on the real local stack. Prints, over N orders placed at a steady rate:
 *  - outbox lag: commit of an outbox row → PutEvents accepted (row.publishedAt - row.createdAt),
 *    for every outbox row the sagas wrote (orders, inventory, payments);
 *  - POST → CONFIRMED: order.updatedAt at confirmation - order.createdAt (server clocks, one host);
 *  - POST round trip as the client saw it.
 * Usage: npm run bench -- [--orders 200] [--rate 5]. Starts its own stack on ports 3500+ unless
 * BASE_URL and DYNAMODB_ENDPOINT point at a running one (npm start: http://127.0.0.1:3000, :8000).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const path = require('node:path');
const { DynamoDBClient, ScanCommand, BatchGetItemCommand } = require('@aws-sdk/client-dynamodb');
const { unmarshall, marshall } = require('@aws-sdk/util-dynamodb');
const { startStack } = require('../local/stack');
const { mintToken, readAuthSettings } = require('../local/auth');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ORDERS = arg('orders', 200);
const RATE = arg('rate', 5);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (label, values) => {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `${label.padEnd(34)} n=${String(s.length).padStart(4)}  median ${percentile(s, 50)} ms  p90 ${percentile(s, 90)} ms  p99 ${percentile(s, 99)} ms  max ${s[s.length - 1]} ms  mean ${mean.toFixed(1)} ms`;
};

const scanAll = async (client, TableName) => {
  const items = [];
  let ExclusiveStartKey;
  do {
    const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...page.Items.map((i) => unmarshall(i)));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

const main = async () => {
  let stack;
  let baseUrl = process.env.BASE_URL;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  let stage = process.env.STAGE || 'local';
  if (!baseUrl) {
    stage = 'bench';
    const env = { HTTP_PORT: '3500', LAMBDA_PORT: '3502', EVENTBRIDGE_PORT: '3510', EVENTBRIDGE_PUBSUB_PORT: '3511', DYNAMODB_PORT: '3520' };
    console.log('Starting a local stack for the benchmark (stage bench, ports 3500+)...');
    stack = await startStack({ env, stage, logFile: path.join(__dirname, '..', '.local-data', 'bench-stack.log'), log: () => {} });
    baseUrl = stack.baseUrl;
    endpoint = `http://127.0.0.1:${env.DYNAMODB_PORT}`;
  }
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableName = (suffix) => `order-saga-${stage}-${suffix}`;
  try {
    // Every order as the demo customer, authenticated like any client (see README, "Authentication and retries").
    const { issuer, audience } = readAuthSettings(stage);
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${mintToken({ issuer, audience, subject: 'customer-123', expiresInSeconds: 24 * 3600 })}` };
    // Warm every function once so cold starts are not measured.
    const warm = await fetch(`${baseUrl}/orders`, { method: 'POST', headers, body: JSON.stringify({ items: [{ productId: 'product-1', quantity: 1 }] }) });
    await warm.text();
    await new Promise((r) => setTimeout(r, 5000));

    console.log(`Placing ${ORDERS} orders at ${RATE}/s against ${baseUrl} ...`);
    const ids = [];
    const roundTrips = [];
    const started = Date.now();
    const inflight = [];
    for (let i = 0; i < ORDERS; i += 1) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        (async () => {
          const t0 = performance.now();
          const res = await fetch(`${baseUrl}/orders`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ items: [{ productId: 'product-1', quantity: 1 }] }),
          });
          const body = await res.json();
          roundTrips.push(Math.round(performance.now() - t0));
          if (res.status !== 201) throw new Error(`POST /orders answered ${res.status}: ${JSON.stringify(body)}`);
          ids.push(body.orderId);
        })(),
      );
    }
    await Promise.all(inflight);

    // Wait until every order has settled.
    const settled = new Map();
    for (const deadline = Date.now() + 120_000; settled.size < ids.length && Date.now() < deadline; ) {
      const missing = ids.filter((id) => !settled.has(id));
      for (let i = 0; i < missing.length; i += 100) {
        const { Responses } = await client.send(
          new BatchGetItemCommand({ RequestItems: { [tableName('orders')]: { Keys: missing.slice(i, i + 100).map((orderId) => marshall({ orderId })), ConsistentRead: true } } }),
        );
        for (const o of Responses[tableName('orders')].map((x) => unmarshall(x))) if (o.status !== 'PENDING') settled.set(o.orderId, o);
      }
      if (settled.size < ids.length) await new Promise((r) => setTimeout(r, 250));
    }
    const orders = [...settled.values()];
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const idSet = new Set(ids);
    const rows = (await Promise.all(['orders-outbox', 'inventory-outbox', 'payments-outbox'].map((t) => scanAll(client, tableName(t))))).flat().filter((r) => idSet.has(r.aggregateId));
    const unpublished = rows.filter((r) => r.publishedAt === undefined).length;

    console.log('');
    console.log(`orders placed ${ids.length}, settled ${orders.length}, confirmed ${confirmed.length}, outbox rows ${rows.length} (unpublished ${unpublished})`);
    console.log(summary('outbox lag, order.created', rows.filter((r) => r.type === 'order.created' && r.publishedAt).map((r) => r.publishedAt - r.createdAt)));
    console.log(summary('outbox lag, all outbox rows', rows.filter((r) => r.publishedAt).map((r) => r.publishedAt - r.createdAt)));
    console.log(summary('POST → CONFIRMED', confirmed.map((o) => Date.parse(o.updatedAt) - Date.parse(o.createdAt))));
    console.log(summary('POST /orders round trip (client)', roundTrips));
  } finally {
    client.destroy();
    if (stack) await stack.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
