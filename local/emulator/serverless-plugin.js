'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createTables } = require('./tables');
const { seedDemoData } = require('./seed');
const { asyncInvoker, fileDestination, consumerFailuresFile, AWS_RETRY_DELAYS_MS } = require('./async-invoke');
const { localClient, waitUntilReady } = require('./dynamodb-local');
const { localPorts } = require('./ports');
const { startStreamMappings } = require('./stream-mappings');
const { localResolver, resourcesOf } = require('./intrinsics');
const { startLocalQueues } = require('./queue-mappings');
const { periodOf, startScheduleCatchUp } = require('./schedule-catch-up');
const { routeEventInvocations, loadInvocationsController } = require('./invoke-route');

/** Stops esbuild's service process (the one serverless-esbuild built with), if esbuild is loaded. */
const stopBuildService = (log) => {
  const loaded = Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]esbuild[\\/]lib[\\/]main\.js$/.test(file));
  if (!loaded) return;
  try {
    require('esbuild').stop();
  } catch (error) {
    log.warning(`local stack: could not stop the esbuild service (${error.message})`);
  }
};
const { authorizerSettings, writeAuthSettings } = require('./auth');
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
 * resolves `!Ref`/`!GetAtt` in function environments and in the JWT authorizer to local names,
 * points the AWS SDK at DynamoDB Local and the EventBridge emulator, and runs the stream triggers
 * with our own poller (honouring `enabled: false`). It registers no hook on package or deploy.
 */
class LocalStackPlugin {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = log || { notice: console.log, warning: console.warn };
    this.prepared = undefined;
    const prepare = () => (this.prepared ??= this.prepare({ tables: true }));
    this.hooks = {
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
      'offline:start:init': async () => {
        // The bundles are built (serverless-esbuild builds before this hook) and never rebuilt
        // (watch is off): its service process would otherwise idle for the stack's whole life.
        stopBuildService(this.log);
        await this.startStreams();
        await this.startQueueTriggers();
        await this.catchUpSchedules();
        await this.deliverAsynchronously();
      },
      'offline:start:end': () => this.stopStreams(),
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

  stage() {
    return this.options.stage || this.serverless.service.provider.stage || 'dev';
  }

  resolveEnvironment(environment = {}) {
    const resolve = localResolver({ resources: this.resources(), region: this.region(), queueUrl: this.queues?.queueUrl });
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
    if (tables && !this.queues) {
      // The local SQS (queue triggers): its endpoint goes into every function's environment.
      const resources = this.resources();
      this.queues = await startLocalQueues({
        file: path.join(this.serverless.serviceDir || process.cwd(), '.local-data', `sqs-${this.stage()}.json`),
        region: this.region(),
        accountId: ACCOUNT,
        retentionSecondsOf: (name) => Number(Object.values(resources).find((r) => r.Type === 'AWS::SQS::Queue' && r.Properties.QueueName === name)?.Properties.MessageRetentionPeriod ?? 345_600),
        log: (line) => this.log.warning(line),
      });
    }
    provider.environment = {
      ...this.resolveEnvironment(provider.environment),
      AWS_REGION: this.region(),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.functionsDynamodb}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.functionsEventBridge}`,
      // Lambda's Invoke API is serverless offline's own (the sweep clock starts the sweepers).
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${ports.lambda}`,
      ...(this.queues ? { AWS_ENDPOINT_URL_SQS: this.queues.endpoint } : {}),
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
    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      fn.environment = this.resolveEnvironment(fn.environment);
      fn.events = (fn.events || []).filter((event) => {
        if (!event.stream) return true;
        if (event.stream.enabled === false || event.stream.enabled === 'false') {
          this.log.notice(`local stack: stream trigger of ${key} is disabled`);
          return false;
        }
        return true;
      });
    }
    if (!tables) return;
    this.isolateSharedHandlers();
    this.resolveAuthorizers();

    const client = localClient(ports.dynamodb);
    try {
      await waitUntilReady(ports.dynamodb, 5000);
    } catch (error) {
      throw new Error(`${error.message}\nStart the whole local stack with \`npm start\`, which runs DynamoDB Local first.`);
    }
    const resources = this.resources();
    const created = await createTables(client, resources);
    // LOCAL_DEMO_DATA=false (`npm start -- --no-demo-data`): empty tables, as a freshly deployed stage has.
    const demo = process.env.LOCAL_DEMO_DATA !== 'false';
    const seeded = demo
      ? await seedDemoData(client, {
          products: resources.ProductsTable.Properties.TableName,
          accounts: resources.AccountsTable.Properties.TableName,
        })
      : 0;
    client.destroy();
    this.log.notice(`local stack: ${created.length} tables created, ${demo ? `${seeded} demo items seeded` : 'no demo data'}`);
  }

  /**
   * On Lambda every function has its own runtime, so two functions with the same handler file
   * (every service's outbox forwarder and sweeper) each load it with their own environment. In
   * serverless offline's single process they would share one cached module, configured by
   * whichever function loaded it first: give each further function its own copy of the bundle.
   */
  isolateSharedHandlers() {
    const service = this.serverless.service;
    const location = service.custom && service.custom['serverless-offline'] && service.custom['serverless-offline'].location;
    const codeDir = path.resolve(this.serverless.serviceDir || process.cwd(), location || '.');
    const seen = new Set();
    const isolated = [];
    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      const cut = fn.handler.lastIndexOf('.');
      const [file, exported] = [fn.handler.slice(0, cut), fn.handler.slice(cut + 1)];
      if (!seen.has(file)) {
        seen.add(file);
        continue;
      }
      // No dot in the copy's name: the runtime reads `<file>.<export>` up to the first dot.
      const copy = `${file}--${key}`;
      for (const ext of ['.js', '.js.map']) {
        const from = path.join(codeDir, file + ext);
        if (fs.existsSync(from)) fs.copyFileSync(from, path.join(codeDir, copy + ext));
      }
      if (!fs.existsSync(path.join(codeDir, `${copy}.js`))) {
        throw new Error(`local stack: no bundle of ${fn.handler} in ${codeDir} to give ${key} its own module`);
      }
      fn.handler = `${copy}.${exported}`;
      isolated.push(key);
    }
    if (isolated.length) this.log.notice(`local stack: ${isolated.length} functions sharing a handler file load their own copy (${isolated.join(', ')})`);
  }

  /** Stream triggers: our own poller with Lambda's semantics (local/emulator/stream-poller.js). */
  async startStreams() {
    await this.prepared;
    const resources = this.resources();
    this.streams = await startStreamMappings({
      serverless: this.serverless,
      resolveTableName: (arn) => {
        const id = arn && arn['Fn::GetAtt'] ? arn['Fn::GetAtt'][0] : undefined;
        const name = id && resources[id] && resources[id].Properties.TableName;
        if (typeof name !== 'string') throw new Error(`local stack: stream ${JSON.stringify(arn)} needs Fn::GetAtt of a table with a literal TableName`);
        return name;
      },
      dynamodbEndpoint: `http://127.0.0.1:${localPorts().functionsDynamodb}`,
      functionsDynamodbPort: localPorts().functionsDynamodb,
      region: this.region(),
      accountId: ACCOUNT,
      // One file per stage: stacks of several stages (npm start, e2e, chaos, soak, bench) may run
      // from one checkout at once, and each rewrites its checkpoint file whole.
      checkpointFile: path.join(this.serverless.serviceDir || process.cwd(), '.local-data', `stream-checkpoints-${this.stage()}.json`),
      failureFile: path.join(this.serverless.serviceDir || process.cwd(), '.local-data', `stream-on-failure-${this.stage()}.jsonl`),
      log: this.log,
    });
  }

  async stopStreams() {
    this.asyncInvokes?.stop();
    if (this.streams) await this.streams.stop();
    if (this.queues) await this.queues.stop();
    this.scheduleCatchUp?.stop();
    if (this.localLambda) await this.localLambda.cleanup();
  }

  /** Serverless offline's own Lambda runner, for the triggers this plugin runs (queues, missed schedules). */
  async lambdaRunner(functionKeys) {
    const service = this.serverless.service;
    if (!this.localLambda) {
      const { default: Lambda } = await import('serverless-offline/lambda');
      const offlineOptions = (service.custom && service.custom['serverless-offline']) || {};
      this.localLambda = new Lambda(this.serverless, { ...service.provider, ...offlineOptions });
      this.localLambdaKeys = new Set();
    }
    const fresh = functionKeys.filter((k) => !this.localLambdaKeys.has(k));
    fresh.forEach((k) => this.localLambdaKeys.add(k));
    if (fresh.length) this.localLambda.create(fresh.map((functionKey) => ({ functionKey, functionDefinition: service.getFunction(functionKey) })));
    return this.localLambda;
  }

  /** A scheduled run that fell while the stack was down is run once on start (local/emulator/schedule-catch-up.js). */
  async catchUpSchedules() {
    await this.prepared;
    const service = this.serverless.service;
    const schedules = [];
    for (const functionKey of service.getAllFunctions()) {
      const fn = service.getFunction(functionKey);
      for (const event of fn.events || []) {
        const rate = event.schedule && (typeof event.schedule === 'string' ? event.schedule : event.schedule.rate);
        const periodMs = rate && periodOf([].concat(rate)[0]);
        // Lambda's default maximum event age is six hours.
        if (periodMs) schedules.push({ functionKey, periodMs, maxAgeMs: (fn.maximumEventAge ?? 21_600) * 1000 });
      }
    }
    if (!schedules.length) return;
    const lambda = await this.lambdaRunner(schedules.map((s) => s.functionKey));
    this.scheduleCatchUp = startScheduleCatchUp({
      file: path.join(this.serverless.serviceDir || process.cwd(), '.local-data', `schedules-${this.stage()}.json`),
      schedules,
      run: async (functionKey) => {
        const fn = lambda.get(functionKey);
        // The event a schedule rule sends, as serverless offline's scheduler builds it.
        fn.setEvent({ version: '0', id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), region: this.region(), resources: [], detail: {} });
        return fn.runHandler();
      },
      log: (line) => this.log.warning(`local stack: ${line}`),
    });
  }

  /** Queue triggers (`sqs` events): the local SQS delivers each message to its queue's function. */
  async startQueueTriggers() {
    await this.prepared;
    if (!this.queues) return;
    const service = this.serverless.service;
    const resources = this.resources();
    const byQueue = new Map();
    for (const functionKey of service.getAllFunctions()) {
      for (const event of service.getFunction(functionKey).events || []) {
        if (!event.sqs) continue;
        const id = event.sqs.arn && event.sqs.arn['Fn::GetAtt'] ? event.sqs.arn['Fn::GetAtt'][0] : undefined;
        const name = id && resources[id] && resources[id].Properties.QueueName;
        if (typeof name !== 'string') throw new Error(`local stack: the sqs trigger of ${functionKey} needs Fn::GetAtt of a queue with a literal QueueName`);
        byQueue.set(name, functionKey);
      }
    }
    if (!byQueue.size) return;
    const lambda = await this.lambdaRunner([...new Set(byQueue.values())]);
    this.queues.attach(async (queueName, record) => {
      const functionKey = byQueue.get(queueName);
      if (!functionKey) return;
      const fn = lambda.get(functionKey);
      fn.setEvent({ Records: [record] });
      await fn.runHandler();
    });
    this.log.notice(`local stack: queue triggers on the local SQS (${[...byQueue].map(([q, f]) => `${q} → ${f}`).join(', ')})`);
  }

  /**
   * Local seconds per deployed second: the local saga deadline over the deployed one (params
   * `local` and `default`). Lambda's retry delays are scaled by it, so a retry keeps the
   * proportion to the deadline it has on AWS.
   */
  timeFactor() {
    const deployed = Number(this.serverless.configurationInput?.params?.default?.sagaTimeoutSeconds);
    const local = Number(this.serverless.service.getFunction('createOrder').environment?.SAGA_TIMEOUT_SECONDS);
    return deployed > 0 && local > 0 ? Math.min(1, local / deployed) : 1;
  }

  /**
   * EventBridge invokes consumers asynchronously: the emulator's own delivery (a failing handler
   * run again three times 200 ms apart, then dropped) is replaced by Lambda's (local/emulator/async-invoke.js),
   * with the function's own retry settings and an on-failure destination file per stage.
   */
  async deliverAsynchronously() {
    const eventBridge = this.serverless.pluginManager.plugins.find((p) => typeof p.invokeSubscriber === 'function' && typeof p.convertEntryAndInputToEvent === 'function');
    if (!eventBridge) return;
    const service = this.serverless.service;
    const timeFactor = this.timeFactor();
    const file = consumerFailuresFile(this.stage(), this.serverless.serviceDir || process.cwd());
    this.asyncInvokes = asyncInvoker({
      run: async (functionKey, event) => {
        const lambdaFunction = eventBridge.lambda.get(functionKey);
        lambdaFunction.setEvent(event);
        return lambdaFunction.runHandler();
      },
      settingsOf: (functionKey) => {
        const fn = service.getFunction(functionKey);
        const rule = (fn.events || []).find((e) => e.eventBridge)?.eventBridge ?? {};
        return {
          functionName: fn.name,
          maximumRetryAttempts: fn.maximumRetryAttempts,
          maximumEventAge: fn.maximumEventAge,
          onFailure: Boolean(fn.destinations?.onFailure),
          // Set where the stage reserves concurrency (param reservedConcurrency): beyond it, throttled.
          reservedConcurrency: fn.reservedConcurrency,
          delivery: rule.retryPolicy,
          ruleName: `${fn.name}-rule`,
        };
      },
      // Lambda's Invoke refuses an event for a function it does not have.
      accept: (functionKey) => {
        if (!eventBridge.lambda.get(functionKey)) throw Object.assign(new Error(`Function not found: ${functionKey}`), { name: 'ResourceNotFoundException' });
      },
      timeFactor,
      destination: fileDestination(file),
      deadLetters: fileDestination(path.join(path.dirname(file), `event-delivery-dlq-${this.stage()}.jsonl`)),
      log: (line) => this.log.notice(`local stack: ${line}`),
    });
    eventBridge.invokeSubscriber = async (functionKey, entry, input) => {
      this.asyncInvokes.invoke(functionKey, eventBridge.convertEntryAndInputToEvent(entry, input));
    };
    // Lambda's own Invoke with InvocationType Event (the sweep clock starting a sweeper) too.
    const keyByName = new Map(service.getAllFunctions().map((key) => [service.getFunction(key).name, key]));
    routeEventInvocations(await loadInvocationsController(), { keyOf: (name) => keyByName.get(name), invokeAsync: (key, event) => this.asyncInvokes.invoke(key, event) });
    this.log.notice(`local stack: consumers invoked asynchronously as on Lambda (retries after ${AWS_RETRY_DELAYS_MS.map((d) => Math.round(d * timeFactor)).join(' and ')} ms, time factor ${timeFactor}); on-failure destination ${path.relative(process.cwd(), file)}`);
  }
}

module.exports = LocalStackPlugin;
