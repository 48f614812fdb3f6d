'use strict';
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { scanAll } = require('../shared/tables');
const { topology, invariants } = require('../../../resources/declaration').verification();

/** Every service's own tables, as its invariants name them (`{ reservations: 'reservations', ... }`). */
const serviceTables = () => Object.assign({}, ...topology.serviceNames.map((s) => invariants[s].tables));

/** The tables the checker reads, by role, for a stage's prefix (`order-saga-<stage>`): the declaration's services decide which. */
const tableNames = (prefix) => ({
  orders: `${prefix}-orders`,
  sagas: `${prefix}-saga-states`,
  ...Object.fromEntries(Object.entries(serviceTables()).map(([key, suffix]) => [key, `${prefix}-${suffix}`])),
  deadLetters: `${prefix}-dead-letters`,
  idempotencyKeys: `${prefix}-idempotency-keys`,
  outboxes: Object.fromEntries(topology.emitters.map((s) => [s, `${prefix}-${s}-outbox`])),
  inboxes: Object.fromEntries(topology.receivers.map((s) => [s, `${prefix}-${s}-inbox`])),
});

/** Every item of every table the checker needs (consistent reads), as plain objects. */
const readSnapshot = async ({ client, prefix }) => {
  const t = tableNames(prefix);
  const entries = async (names) => Object.fromEntries(await Promise.all(Object.entries(names).map(async ([k, name]) => [k, await scanAll(client, name)])));
  const own = Object.fromEntries(Object.keys(serviceTables()).map((key) => [key, t[key]]));
  const [orders, sagas, services, deadLetters, idempotencyKeys] = await Promise.all([
    scanAll(client, t.orders),
    scanAll(client, t.sagas),
    entries(own),
    scanAll(client, t.deadLetters, { optional: true }),
    scanAll(client, t.idempotencyKeys, { optional: true }),
  ]);
  return { orders, sagas, ...services, deadLetters, idempotencyKeys, outboxes: await entries(t.outboxes), inboxes: await entries(t.inboxes) };
};

const clientFor = (endpoint) =>
  endpoint
    ? new DynamoDBClient({ endpoint, region: process.env.AWS_REGION || 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
    : new DynamoDBClient({});

module.exports = { readSnapshot, tableNames, clientFor };
