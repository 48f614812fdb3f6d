'use strict';
/** Every local port, overridable by environment variable. */
const localPorts = (env = process.env) => ({
  http: Number(env.HTTP_PORT || 3000),
  lambda: Number(env.LAMBDA_PORT || 3002),
  eventBridge: Number(env.EVENTBRIDGE_PORT || 4010),
  eventBridgePubSub: Number(env.EVENTBRIDGE_PUBSUB_PORT || 4011),
  dynamodb: Number(env.DYNAMODB_PORT || 8000),
  // Where the functions' SDK calls go: DynamoDB Local and the EventBridge emulator themselves,
  // unless the benchmark puts its counting proxy (bench/lib/meter.js) in between.
  functionsDynamodb: Number(env.FUNCTIONS_DYNAMODB_PORT || env.DYNAMODB_PORT || 8000),
  functionsEventBridge: Number(env.FUNCTIONS_EVENTBRIDGE_PORT || env.EVENTBRIDGE_PORT || 4010),
});

module.exports = { localPorts };
