'use strict';
const { DynamoDBClient, ScanCommand } = require('@aws-sdk/client-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');

/** The tables the checker reads, by role, for a stage's prefix (`order-saga-<stage>`). */
const tableNames = (prefix) => ({
  orders: `${prefix}-orders`,
  sagas: `${prefix}-saga-states`,
  reservations: `${prefix}-reservations`,
  payments: `${prefix}-payments`,
  products: `${prefix}-products`,
  accounts: `${prefix}-accounts`,
  rewards: `${prefix}-rewards`,
  deadLetters: `${prefix}-dead-letters`,
  idempotencyKeys: `${prefix}-idempotency-keys`,
  outboxes: { orders: `${prefix}-orders-outbox`, inventory: `${prefix}-inventory-outbox`, payments: `${prefix}-payments-outbox` },
  inboxes: { orders: `${prefix}-orders-inbox`, inventory: `${prefix}-inventory-inbox`, payments: `${prefix}-payments-inbox`, rewards: `${prefix}-rewards-inbox` },
});

const scanAll = async (client, TableName, { optional = false } = {}) => {
  const items = [];
  let ExclusiveStartKey;
  try {
    do {
      const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  } catch (error) {
    if (optional && (error.name === 'ResourceNotFoundException')) return [];
    throw error;
  }
  return items;
};

/** Every item of every table the checker needs (consistent reads), as plain objects. */
const readSnapshot = async ({ client, prefix }) => {
  const t = tableNames(prefix);
  const [orders, sagas, reservations, payments, products, accounts, rewards, deadLetters, idempotencyKeys] = await Promise.all([
    scanAll(client, t.orders),
    scanAll(client, t.sagas),
    scanAll(client, t.reservations),
    scanAll(client, t.payments),
    scanAll(client, t.products),
    scanAll(client, t.accounts),
    scanAll(client, t.rewards),
    scanAll(client, t.deadLetters, { optional: true }),
    scanAll(client, t.idempotencyKeys, { optional: true }),
  ]);
  const entries = async (names) => Object.fromEntries(await Promise.all(Object.entries(names).map(async ([k, name]) => [k, await scanAll(client, name)])));
  return { orders, sagas, reservations, payments, products, accounts, rewards, deadLetters, idempotencyKeys, outboxes: await entries(t.outboxes), inboxes: await entries(t.inboxes) };
};

const clientFor = (endpoint) =>
  endpoint
    ? new DynamoDBClient({ endpoint, region: process.env.AWS_REGION || 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
    : new DynamoDBClient({});

module.exports = { readSnapshot, tableNames, clientFor, scanAll };
