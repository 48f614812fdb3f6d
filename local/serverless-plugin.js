'use strict';
const { createTables } = require('./tables');
const { seedDemoData } = require('./seed');
const { localClient, waitUntilReady } = require('./dynamodb-local');
const { localPorts } = require('./ports');
const { localResolver, resourcesOf } = require('./intrinsics');
const { authorizerSettings, writeAuthSettings } = require('./auth');

/**
 * Local stack glue for `serverless offline` and `serverless invoke local`. On those commands only:
 * creates the tables from the resolved `resources` (the same ones deploy uses), seeds demo data,
 * resolves `!Ref`/`!GetAtt` in function environments and in the JWT authorizer to local names,
 * points the AWS SDK at DynamoDB Local and the EventBridge emulator, and honours `enabled: false` on
 * stream events (the streams plugin ignores it). It registers no hook on package or deploy.
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
    return resourcesOf(this.serverless.service);
  }

  region() {
    return this.serverless.service.provider.region || 'us-east-1';
  }

  resolveEnvironment(environment = {}) {
    const resolve = localResolver({ resources: this.resources(), region: this.region() });
    return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, resolve(v)]));
  }

  /**
   * The JWT authorizer's issuer and audience as literal values (serverless offline compares them
   * with a token's claims as strings), recorded for `npm run token` and the tests.
   */
  resolveAuthorizers() {
    const { provider } = this.serverless.service;
    const settings = authorizerSettings({ provider, resources: this.resources() });
    for (const authorizer of Object.values(provider.httpApi.authorizers)) {
      authorizer.issuerUrl = settings.issuer;
      authorizer.audience = settings.audience;
    }
    writeAuthSettings(this.serverless.getProvider('aws').getStage(), settings);
    this.log.notice(`local stack: customers' tokens from ${settings.issuer} (npm run -s token -- <customerId>)`);
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
    this.resolveAuthorizers();

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
