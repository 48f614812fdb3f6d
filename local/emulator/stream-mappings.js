'use strict';
const diagnostics = require('node:diagnostics_channel');
const fs = require('node:fs');
const path = require('node:path');
const { DescribeTableCommand } = require('@aws-sdk/client-dynamodb');
const { DynamoDBStreamsClient } = require('@aws-sdk/client-dynamodb-streams');
const { StreamPoller } = require('./stream-poller');

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** Poll intervals: STREAM_POLL_MIN_MS / STREAM_POLL_MAX_MS; STREAM_READ_INTERVAL_MS pins both (a fixed interval). */
const pollIntervals = (env = process.env) => {
  const fixed = env.STREAM_READ_INTERVAL_MS !== undefined ? Number(env.STREAM_READ_INTERVAL_MS) : undefined;
  return {
    minIntervalMs: fixed ?? Number(env.STREAM_POLL_MIN_MS || 10),
    // A quiet shard is read every 2 s at most: writes made in this process (every handler's) wake
    // its poller at once, so only a write from outside (a test's, a script's) waits for the poll,
    // and an idle stack does not keep DynamoDB Local busy answering empty reads.
    maxIntervalMs: fixed ?? Number(env.STREAM_POLL_MAX_MS || 2000),
    ...(env.STREAM_SHARD_REFRESH_MS ? { shardRefreshMs: Number(env.STREAM_SHARD_REFRESH_MS) } : {}),
  };
};

/** Checkpoints kept in memory and written to a file at most once a second (and on stop). */
const fileCheckpoints = (file) => {
  let saved = {};
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* none yet */
  }
  const map = new Map(Object.entries(saved));
  let timer;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(Object.fromEntries(map)));
  };
  return {
    get: (k) => map.get(k),
    set: (k, v) => {
      map.set(k, v);
      timer ??= setTimeout(flush, 1000);
      return map;
    },
    flush,
  };
};

/**
 * Starts one StreamPoller per enabled `stream` event of type dynamodb, invoking the function through
 * serverless-offline's own Lambda runner (in process, like every other local trigger). Writes to
 * DynamoDB made in this process (the handlers') wake quiet pollers at once. Returns `stop()`.
 */
const startStreamMappings = async ({ serverless, resolveTableName, dynamodbEndpoint, functionsDynamodbPort, region, accountId, checkpointFile, failureFile, log }) => {
  const service = serverless.service;
  const mappings = [];
  for (const functionKey of service.getAllFunctions()) {
    const definition = service.getFunction(functionKey);
    for (const event of definition.events || []) {
      if (!event.stream || event.stream.type !== 'dynamodb') continue;
      mappings.push({ functionKey, definition, stream: event.stream });
    }
  }
  if (!mappings.length) return { pollers: [], stop: async () => {} };

  const { default: Lambda } = await import('serverless-offline/lambda');
  const offlineOptions = (service.custom && service.custom['serverless-offline']) || {};
  const lambda = new Lambda(serverless, { ...service.provider, ...offlineOptions });
  lambda.create(mappings.map(({ functionKey, definition }) => ({ functionKey, functionDefinition: definition })));

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
  const dynamodb = new DynamoDBClient({ endpoint: dynamodbEndpoint, region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint, region, credentials });
  const checkpoints = fileCheckpoints(checkpointFile);
  const intervals = pollIntervals();

  const pollers = [];
  for (const { functionKey, definition, stream } of mappings) {
    const tableName = resolveTableName(stream.arn);
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table.LatestStreamArn) throw new Error(`local streams: table ${tableName} has no stream`);
    const functionArn = `arn:aws:lambda:${region}:${accountId}:function:${definition.name || functionKey}`;
    const poller = new StreamPoller({
      client: streams,
      streamArn: Table.LatestStreamArn,
      functionArn,
      settings: {
        batchSize: stream.batchSize,
        startingPosition: stream.startingPosition,
        maximumRetryAttempts: stream.maximumRetryAttempts ?? -1,
        maximumRecordAgeInSeconds: stream.maximumRecordAgeInSeconds ?? -1,
        bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError === true,
        functionResponseType: stream.functionResponseType,
        filterPatterns: stream.filterPatterns,
        ...intervals,
      },
      invoke: async (event) => {
        const fn = lambda.get(functionKey);
        fn.setEvent(event);
        return fn.runHandler();
      },
      // Locally there is no SQS: the on-failure message (what Lambda would send to the
      // destination) is appended to a file and logged, so a discarded batch is never silent.
      onFailure: async (message) => {
        fs.mkdirSync(path.dirname(failureFile), { recursive: true });
        fs.appendFileSync(failureFile, `${JSON.stringify({ functionKey, destination: stream.destinations?.onFailure?.arn, ...message })}\n`);
        log.warning(`local streams: ${functionKey} discarded ${message.DDBStreamBatchInfo.batchSize} record(s) (${message.requestContext.condition}); see ${failureFile}`);
      },
      checkpoints,
      log: (line) => log.warning(line),
    });
    pollers.push(poller);
  }

  const port = String(functionsDynamodbPort || new URL(dynamodbEndpoint).port);
  const onResponse = ({ request }) => {
    const target = request.getHeader('x-amz-target');
    if (typeof target !== 'string' || !target.startsWith('DynamoDB_20120810.') || !WRITES.has(target.slice(18))) return;
    if (String(request.getHeader('host') || '').split(':')[1] !== port) return;
    for (const poller of pollers) poller.wake();
  };
  diagnostics.subscribe('http.client.response.finish', onResponse);

  await Promise.all(pollers.map((p) => p.start()));
  log.notice(`local streams: ${pollers.length} stream trigger(s) polling (${intervals.minIntervalMs}-${intervals.maxIntervalMs} ms when quiet, woken by writes)`);
  return {
    pollers,
    stop: async () => {
      diagnostics.unsubscribe('http.client.response.finish', onResponse);
      await Promise.all(pollers.map((p) => p.stop()));
      checkpoints.flush();
      await lambda.cleanup();
      dynamodb.destroy();
      streams.destroy();
    },
  };
};

module.exports = { startStreamMappings, pollIntervals, fileCheckpoints };
