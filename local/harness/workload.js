'use strict';
/**
 * What the local runs that drive a workload share (`npm run chaos`, `npm run soak`): a seeded
 * random generator, and the run's own catalogue and customers with the figures they start from.
 * Options, table reads, processes, invocations and logs: `./shared/`.
 */
const { PutItemCommand } = require('@aws-sdk/client-dynamodb');
const { marshall } = require('@aws-sdk/util-dynamodb');
const { mintToken, readAuthSettings } = require('../emulator/auth');
const { tableNames } = require('./verify/snapshot');

/** A seeded pseudo-random generator, so a run's mix can be repeated with `--seed`. */
const mulberry32 = (seed) => () => {
  let t = (seed += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * Writes the run's products and customers, and mints each customer a token (customers authenticate
 * like any client: the customer is the token's subject). Returns the stock and balances they start
 * from (the checker's baseline) and the tokens by customer id. With `loadCatalogue` (the stack's
 * own function), the products go in as a catalogue does, over their `shards`; without it, each is
 * written as one item (one shard).
 * @param {{ client: { send: (command: any) => Promise<any> }, stage: string, products: object[], customers: object[], tokenSeconds: number, loadCatalogue?: (catalogue: { products: object[] }) => Promise<unknown> }} run
 */
const seedRun = async ({ client, stage, products, customers, tokenSeconds, loadCatalogue }) => {
  const tables = tableNames(`order-saga-${stage}`);
  if (loadCatalogue) await loadCatalogue({ products: products.map((p) => ({ name: p.productId, ...p })) });
  else for (const p of products) await client.send(new PutItemCommand({ TableName: tables.products, Item: marshall(p) }));
  // Every account has a default destination country, as every onboarded customer does.
  for (const c of customers) await client.send(new PutItemCommand({ TableName: tables.accounts, Item: marshall({ country: 'DE', ...c }) }));
  const { issuer, audience } = readAuthSettings(stage);
  return {
    baseline: {
      stock: Object.fromEntries(products.map((p) => [p.productId, p.stock])),
      balance: Object.fromEntries(customers.map((c) => [c.customerId, c.balance])),
    },
    tokens: Object.fromEntries(customers.map((c) => [c.customerId, mintToken({ issuer, audience, subject: c.customerId, expiresInSeconds: tokenSeconds })])),
  };
};

module.exports = { mulberry32, seedRun };
