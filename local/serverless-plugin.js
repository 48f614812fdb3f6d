'use strict';
const { createTables } = require('./tables');
const { seedDemoData } = require('./seed');
const { localClient, waitUntilReady } = require('./dynamodb-local');
const { localPorts } = require('./ports');
const { InvokeStore } = require('@aws/lambda-invoke-store');

const ACCOUNT = '000000000000';

/**
 * serverless offline replaces `globalThis.awslambda` each time it loads a handler; Lambda's runtime
 * keeps its invoke store there for the whole process. Keep it on every replacement.
 */
const keepInvokeStore = (store) => {
  let current = globalThis.awslambda || {};
  Object.defineProperty(globalThis, 'awslambda', {
    configurable: true,
    get: () => current,
    set: (value) => {
      current = Object.assign(value || {}, { InvokeStore: store });
    },
  });
  globalThis.awslambda = current;
};

/**
 * Local stack glue for `serverless offline` and `serverless invoke local`. On those commands only:
 * creates the tables from the resolved `resources` (the same ones deploy uses), seeds demo data,
 * resolves `!Ref`/`!GetAtt` in function environments to local names, points the AWS SDK at
 * DynamoDB Local and the EventBridge emulator, and honours `enabled: false` on stream events (the
 * streams plugin ignores it). It registers no hook on package or deploy.
 */
class LocalStackPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log || { notice: console.log, warning: console.warn };
    this.prepared = undefined;
    const prepare = () => (this.prepared ??= this.prepare({ tables: true }));
    this.hooks = {
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
      // The core `invoke local` resolves environment variables in its own
      // `before:invoke:local:loadEnvVars` hook (by asking AWS for `Ref`s), which runs before ours:
      // prepare on `initialize`, but only for `invoke local`.
      initialize: () => {
        const [command, sub] = (serverless.processedInput && serverless.processedInput.commands) || [];
        return command === 'invoke' && sub === 'local' ? this.prepare({ tables: false }) : undefined;
      },
    };
  }

  resources() {
    const r = this.serverless.service.resources;
    if (Array.isArray(r)) return Object.assign({}, ...r.map((x) => (x && x.Resources) || {}));
    return (r && r.Resources) || {};
  }

  region() {
    return this.serverless.service.provider.region || 'us-east-1';
  }

  /** Local value of a CloudFormation intrinsic in an environment variable. */
  resolve(value) {
    if (value === null || typeof value !== 'object') return value;
    const resources = this.resources();
    const region = this.region();
    const name = (id) => {
      const props = (resources[id] && resources[id].Properties) || {};
      return props.TableName || props.Name || props.QueueName || props.TopicName;
    };
    if (value.Ref) return name(value.Ref);
    if (value['Fn::GetAtt']) {
      const [id, attr] = value['Fn::GetAtt'];
      const resource = resources[id] || {};
      const n = name(id);
      if (resource.Type === 'AWS::DynamoDB::Table') {
        const arn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${n}`;
        return attr === 'StreamArn' ? `${arn}/stream/local` : arn;
      }
      if (resource.Type === 'AWS::Events::EventBus') return `arn:aws:events:${region}:${ACCOUNT}:event-bus/${n}`;
      if (resource.Type === 'AWS::SQS::Queue') return `arn:aws:sqs:${region}:${ACCOUNT}:${n}`;
    }
    throw new Error(`local stack: cannot resolve ${JSON.stringify(value)} in a function environment`);
  }

  resolveEnvironment(environment = {}) {
    return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, this.resolve(v)]));
  }

  async prepare({ tables }) {
    const ports = localPorts();
    const service = this.serverless.service;
    const provider = service.provider;
    provider.environment = {
      ...this.resolveEnvironment(provider.environment),
      AWS_REGION: this.region(),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamodb}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.eventBridge}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL || 'WARN',
      POWERTOOLS_METRICS_DISABLED: process.env.LOCAL_METRICS === '1' ? 'false' : 'true',
    };
    if (tables) {
      // serverless offline runs every handler in its own process (useInProcess), so invocations
      // overlap there as they do on Lambda's multi-concurrency runtimes: say so, and open the
      // runtime's invoke store before any handler loads, so Powertools keeps each invocation's log
      // keys and metrics to itself (handlers open a scope per invocation: lib/observability).
      provider.environment.AWS_LAMBDA_MAX_CONCURRENCY = '100';
      // A single-invocation store left by anything loaded earlier would never scope: replace it.
      if (globalThis.awslambda) delete globalThis.awslambda.InvokeStore;
      keepInvokeStore(await InvokeStore.getInstanceAsync(true));
    }
    const readInterval = Number(process.env.STREAM_READ_INTERVAL_MS || 20);
    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      fn.environment = this.resolveEnvironment(fn.environment);
      fn.events = (fn.events || []).filter((event) => {
        if (!event.stream) return true;
        if (event.stream.enabled === false || event.stream.enabled === 'false') {
          this.log.notice(`local stack: stream trigger of ${key} is disabled`);
          return false;
        }
        // How often the streams emulator polls; AWS Lambda polls continuously.
        event.stream.readInterval = readInterval;
        return true;
      });
    }
    if (!tables) return;

    const client = localClient(ports.dynamodb);
    try {
      await waitUntilReady(ports.dynamodb, 5000);
    } catch (error) {
      throw new Error(`${error.message}\nStart the whole local stack with \`npm start\`, which runs DynamoDB Local first.`);
    }
    const resources = this.resources();
    const created = await createTables(client, resources);
    const seeded = await seedDemoData(client, {
      products: resources.ProductsTable.Properties.TableName,
      accounts: resources.AccountsTable.Properties.TableName,
    });
    client.destroy();
    this.log.notice(`local stack: ${created.length} tables created, ${seeded} demo items seeded`);
  }
}

module.exports = LocalStackPlugin;
