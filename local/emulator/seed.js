'use strict';
const { PutItemCommand, ConditionalCheckFailedException } = require('@aws-sdk/client-dynamodb');
const { marshall } = require('@aws-sdk/util-dynamodb');

/**
 * Demo data, one curl away from each path of the saga. Money is in cents. Existing items are left
 * alone so a persistent local database keeps its state across restarts. `npm start -- --no-demo-data`
 * seeds nothing: a fresh stage, onboarded with the README's commands.
 */
const demoData = {
  // The same file a deployed stage loads with `sls invoke -f loadCatalogue --path catalogue/demo.json`;
  // `stockLoaded` is what loadCatalogue records, so loading the file again here changes nothing.
  products: require('../../catalogue/demo.json').products.map((p) => ({ ...p, stockLoaded: p.stock })),
  accounts: [
    // `country`: where the customer's orders ship when a request names no `shipTo`.
    { customerId: 'customer-123', balance: 1000000000, country: 'DE' },
    { customerId: 'customer-456', balance: 50000, country: 'FR' },
    { customerId: 'customer-no-funds', balance: 0, country: 'DE' },
  ],
};

const putIfAbsent = async (client, table, key, item) => {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: marshall(item),
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': key },
      }),
    );
    return 1;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || error.name === 'ConditionalCheckFailedException') return 0;
    throw error;
  }
};

/** `tables` maps a role to a table name: `{ products, accounts }`. */
const seedDemoData = async (client, tables) => {
  const counts = await Promise.all([
    ...demoData.products.map((p) => putIfAbsent(client, tables.products, 'productId', p)),
    ...demoData.accounts.map((a) => putIfAbsent(client, tables.accounts, 'customerId', a)),
  ]);
  return counts.reduce((a, b) => a + b, 0);
};

module.exports = { seedDemoData, demoData };
