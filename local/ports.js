'use strict';
/** Every local port, overridable by environment variable. */
const localPorts = (env = process.env) => {
  const ports = {
    http: Number(env.HTTP_PORT || 3000),
    lambda: Number(env.LAMBDA_PORT || 3002),
    eventBridge: Number(env.EVENTBRIDGE_PORT || 4010),
    eventBridgePubSub: Number(env.EVENTBRIDGE_PUBSUB_PORT || 4011),
    dynamodb: Number(env.DYNAMODB_PORT || 8000),
  };
  return {
    ...ports,
    // Where DynamoDB Local itself listens, and where the functions reach EventBridge. They differ
    // from the ports above only when a fault-injecting proxy sits in between (npm run chaos).
    dynamodbLocal: Number(env.DYNAMODB_LOCAL_PORT || ports.dynamodb),
    eventBridgeClient: Number(env.EVENTBRIDGE_CLIENT_PORT || ports.eventBridge),
  };
};

module.exports = { localPorts };
