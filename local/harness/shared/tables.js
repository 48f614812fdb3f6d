'use strict';
/** How the local runs read DynamoDB tables: whole scans after a run, by key while a load runs. */
const { BatchGetItemCommand, ScanCommand } = require('@aws-sdk/client-dynamodb');
const { marshall, unmarshall } = require('@aws-sdk/util-dynamodb');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Every item of a table (consistent reads), as plain objects. `optional`: a table the stage does
 * not have reads as empty.
 */
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
    if (optional && error.name === 'ResourceNotFoundException') return [];
    throw error;
  }
  return items;
};

/** How many items a table holds (a scan that returns counts only). */
const countItems = async (client, TableName) => {
  let count = 0;
  let ExclusiveStartKey;
  do {
    const page = await client.send(new ScanCommand({ TableName, Select: 'COUNT', ExclusiveStartKey }));
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
};

/**
 * BatchGetItem of `keys` (plain objects) from one table, 100 at a time, consistent, until nothing
 * is left unprocessed (backing off, as DynamoDB asks, when it returns unprocessed keys).
 */
const batchGet = async (client, table, keys, projection = {}) => {
  const items = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request = { [table]: { Keys: keys.slice(i, i + 100).map((k) => marshall(k)), ConsistentRead: true, ...projection } };
    for (let attempt = 0; request; attempt += 1) {
      const out = await client.send(new BatchGetItemCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[table] ?? []).map((item) => unmarshall(item)));
      request = out.UnprocessedKeys && Object.keys(out.UnprocessedKeys).length ? out.UnprocessedKeys : undefined;
      if (request) await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
  }
  return items;
};

module.exports = { scanAll, countItems, batchGet };
