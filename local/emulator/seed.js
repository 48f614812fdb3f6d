'use strict';
const { PutItemCommand, ConditionalCheckFailedException } = require('@aws-sdk/client-dynamodb');
const { marshall } = require('@aws-sdk/util-dynamodb');

/**
 * Demo data, one curl away from each path of the saga. Money is in cents. Existing items are left
 * alone so a persistent local database keeps its state across restarts.
 */
const demoData = {
  products: [
    { productId: 'product-1', name: 'Espresso beans 1 kg', price: 2500, stock: 1000000 },
    { productId: 'product-2', name: 'Milk frother', price: 4900, stock: 500 },
    { productId: 'product-scarce', name: 'Limited edition grinder', price: 19900, stock: 3 },
    { productId: 'product-out-of-stock', name: 'Sold-out mug', price: 1200, stock: 0 },
  ],
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
