'use strict';
/** Every local port, overridable by environment variable. */
const localPorts = (env = process.env) => ({
  http: Number(env.HTTP_PORT || 3000),
  lambda: Number(env.LAMBDA_PORT || 3002),
  eventBridge: Number(env.EVENTBRIDGE_PORT || 4010),
  eventBridgePubSub: Number(env.EVENTBRIDGE_PUBSUB_PORT || 4011),
  dynamodb: Number(env.DYNAMODB_PORT || 8000),
  // Where the functions' SDK calls (and the stream triggers' reads, Lambda's side too) go: DynamoDB
  // Local and the EventBridge emulator themselves, unless a proxy sits in between: the benchmark's
  // counting proxy (local/harness/bench/meter.js) or the chaos run's fault proxy (local/harness/chaos/fault-proxy.js).
  functionsDynamodb: Number(env.FUNCTIONS_DYNAMODB_PORT || env.DYNAMODB_PORT || 8000),
  functionsEventBridge: Number(env.FUNCTIONS_EVENTBRIDGE_PORT || env.EVENTBRIDGE_PORT || 4010),
  explorer: Number(env.EXPLORER_PORT || 3030),
});

module.exports = { localPorts };
