'use strict';
/** Every local port, overridable by environment variable. */
const localPorts = (env = process.env) => ({
  http: Number(env.HTTP_PORT || 3000),
  lambda: Number(env.LAMBDA_PORT || 3002),
  eventBridge: Number(env.EVENTBRIDGE_PORT || 4010),
  eventBridgePubSub: Number(env.EVENTBRIDGE_PUBSUB_PORT || 4011),
  dynamodb: Number(env.DYNAMODB_PORT || 8000),
  explorer: Number(env.EXPLORER_PORT || 3030),
});

module.exports = { localPorts };
