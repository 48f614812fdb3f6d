'use strict';
// The functions of the saga's services, derived from its declaration (lib/services/saga.ts):
// every consumer (its environment, its role, the EventBridge rules that deliver exactly its
// subscription from each type's owner) and every emitting service's outbox forwarder and sweeper.
// serverless.yml lists the rest (the HTTP API, the watchdog, the operations functions).

const capital = (s) => s[0].toUpperCase() + s.slice(1);
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const ref = (id) => ({ Ref: id });
const arn = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const outboxOf = (service) => `${capital(service)}OutboxTable`;
const inboxOf = (service) => `${capital(service)}InboxTable`;
const { reservedConcurrency } = require('./concurrency');
const allow = (actions, resources, extra = {}) => ({ Effect: 'Allow', Action: actions, Resource: resources, ...extra });
/**
 * A scheduled run (every minute) ends before the next one starts: its timeout is below the period,
 * and a failed or throttled run is not retried or kept by Lambda (the next run is the retry), so an
 * asynchronous retry never lands on top of a scheduled run. A schedule delivered twice may still
 * overlap: everything a run does is guarded (conditional writes), so it changes nothing twice.
 */
const SCHEDULED_RUN = { timeout: 55, maximumRetryAttempts: 0, maximumEventAge: 60 };

/**
 * The functions of a saga's topology, given the shared settings of serverless.yml's `custom`
 * (`consumer`, `ruleDelivery`, `outboxStream`). Pure: the tests call it with other declarations.
 */
const functionsFor = (topology, { consumer, ruleDelivery, outboxStream, reserved = {} }) => {
  const concurrencyOf = (key) => (reserved[key] === undefined ? {} : { reservedConcurrency: reserved[key] });
  const fromOwnSource = (service) => ({ Condition: { StringEquals: { 'events:source': [topology.sourceOf(service)] } } });
  const functions = {};

  for (const key of topology.consumerNames) {
    const declared = topology.saga.consumers[key];
    const service = declared.service;
    const { emits, repeatsReplies } = topology.plumbingOf(key);
    const tables = topology.saga.services[service].tables;
    const keeper = key === topology.saga.keeper.consumer;
    functions[key] = {
      ...consumer,
      ...concurrencyOf(key),
      handler: `functions/${service}/${kebab(key)}.handler`,
      environment: {
        POWERTOOLS_SERVICE_NAME: service,
        ...Object.fromEntries(Object.entries(tables).map(([name, id]) => [name, ref(id)])),
        ...(emits ? { OUTBOX_TABLE: ref(outboxOf(service)) } : {}),
        INBOX_TABLE: ref(inboxOf(service)),
        DEAD_LETTER_TABLE: ref('DeadLetterTable'),
        // The keeper schedules the first compensation check of each saga it cancels.
        ...(keeper ? { COMPENSATION_REDRIVE_DELAY_SECONDS: '${param:compensationRedriveDelaySeconds}' } : {}),
      },
      iamRoleStatements: [
        ...Object.entries(declared.access).map(([table, actions]) => allow(actions.map((a) => `dynamodb:${a}`), [arn(table)])),
        ...(emits ? [allow(['dynamodb:PutItem'], [arn(outboxOf(service))])] : []),
        allow(['dynamodb:PutItem', 'dynamodb:UpdateItem'], [arn(inboxOf(service))]),
        allow(['dynamodb:PutItem'], [arn('DeadLetterTable')]),
        allow('sqs:SendMessage', { 'Fn::GetAtt': ['ConsumerFailureQueue', 'Arn'] }),
        // A command received again is answered again: its replies go back to the pending index.
        ...(repeatsReplies
          ? [allow(['dynamodb:Query'], [{ 'Fn::Sub': `\${${outboxOf(service)}.Arn}/index/AggregateIndex` }]), allow(['dynamodb:UpdateItem'], [arn(outboxOf(service))])]
          : []),
      ],
      events: topology.rulePatterns(key).map((pattern) => ({ eventBridge: { ...ruleDelivery, pattern } })),
    };
  }

  for (const service of topology.emitters) {
    const outbox = outboxOf(service);
    functions[`${service}OutboxForwarder`] = {
      handler: 'functions/relay/outbox-forwarder.handler',
      ...concurrencyOf(`${service}OutboxForwarder`),
      environment: { POWERTOOLS_SERVICE_NAME: `${service}-outbox`, OUTBOX_TABLE: ref(outbox) },
      iamRoleStatements: [
        allow(['dynamodb:UpdateItem'], [arn(outbox)]),
        // A publisher may use only its own service's source: a compromised role cannot speak for another.
        allow('events:PutEvents', arn('EventBus'), fromOwnSource(service)),
        allow('sqs:SendMessage', arn('OutboxForwarderFailureQueue')),
      ],
      events: [{ stream: { ...outboxStream, arn: { 'Fn::GetAtt': [outbox, 'StreamArn'] } } }],
    };
    // Started by the sweep clock (below) when its outbox has a row past the grace, or by hand.
    functions[`${service}OutboxSweeper`] = {
      handler: 'functions/relay/outbox-sweeper.handler',
      ...SCHEDULED_RUN,
      ...concurrencyOf(`${service}OutboxSweeper`),
      environment: {
        POWERTOOLS_SERVICE_NAME: `${service}-outbox`,
        OUTBOX_TABLE: ref(outbox),
        SWEEP_GRACE_SECONDS: '${param:sweepGraceSeconds}',
        SWEEP_INTERVAL_SECONDS: '${param:sweepIntervalSeconds}',
        SWEEPS_PER_RUN: '${param:sweepsPerRun}',
      },
      iamRoleStatements: [
        allow(['dynamodb:Query', 'dynamodb:Scan'], [{ 'Fn::Sub': `\${${outbox}.Arn}/index/UnpublishedIndex` }]),
        allow(['dynamodb:UpdateItem'], [arn(outbox)]),
        allow('events:PutEvents', arn('EventBus'), fromOwnSource(service)),
      ],
    };
  }
  // The fallback's clock: once a minute by schedule, and on the ticks that run leaves itself on a
  // delay queue (SWEEPS_PER_RUN ticks a minute, SWEEP_INTERVAL_SECONDS apart); each tick reads the
  // head of every outbox's pending index and starts only the sweepers that have work.
  const sweeperKey = (service) => `${service}OutboxSweeper`;
  functions.outboxSweepClock = {
    handler: 'functions/relay/outbox-sweep-clock.handler',
    ...SCHEDULED_RUN,
    timeout: 10,
    memorySize: 128,
    ...concurrencyOf('outboxSweepClock'),
    environment: {
      POWERTOOLS_SERVICE_NAME: 'sweep-clock',
      SWEEP_GRACE_SECONDS: '${param:sweepGraceSeconds}',
      SWEEP_INTERVAL_SECONDS: '${param:sweepIntervalSeconds}',
      SWEEPS_PER_RUN: '${param:sweepsPerRun}',
      SWEEP_TICK_QUEUE_URL: ref('SweepTickQueue'),
      ...Object.fromEntries(topology.emitters.flatMap((s) => [
        [`${topology.envName(s)}_OUTBOX_TABLE`, ref(outboxOf(s))],
        [`${topology.envName(s)}_OUTBOX_SWEEPER`, `\${self:service}-\${sls:stage}-${sweeperKey(s)}`],
      ])),
    },
    iamRoleStatements: [
      allow(['dynamodb:Query', 'dynamodb:Scan'], topology.emitters.map((s) => ({ 'Fn::Sub': `\${${outboxOf(s)}.Arn}/index/UnpublishedIndex` }))),
      allow(['lambda:InvokeFunction'], topology.emitters.map((s) => arn(`${capital(sweeperKey(s))}LambdaFunction`))),
      allow(['sqs:SendMessage'], [arn('SweepTickQueue')]),
    ],
    events: [{ schedule: 'rate(1 minute)' }, { sqs: { arn: arn('SweepTickQueue'), batchSize: 10 } }],
  };
  // Operations that read every service: replay re-publishes from every outbox (and only as their
  // owners); describeSaga reads the keeper's records, every outbox, every inbox and the dead letters.
  const outboxes = topology.emitters.map(outboxOf);
  const inboxes = topology.receivers.map(inboxOf);
  const index = (table, name) => ({ 'Fn::Sub': `\${${table}.Arn}/index/${name}` });
  const upper = (service) => topology.envName(service);
  functions.replayEvents = {
    handler: 'functions/operations/replay-events.handler',
    timeout: 300,
    environment: { POWERTOOLS_SERVICE_NAME: 'replay', ...Object.fromEntries(topology.emitters.map((s) => [`${upper(s)}_OUTBOX_TABLE`, ref(outboxOf(s))])) },
    iamRoleStatements: [
      allow(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'], outboxes.map(arn)),
      allow(['dynamodb:Query'], outboxes.map((t) => index(t, 'AggregateIndex'))),
      // Replay re-publishes every service's stored events, each under its owner's source, and nothing else.
      allow('events:PutEvents', arn('EventBus'), { Condition: { StringEquals: { 'events:source': topology.emitters.map((s) => topology.sourceOf(s)) } } }),
    ],
  };
  functions.describeSaga = {
    handler: 'functions/operations/describe-saga.handler',
    timeout: 30,
    environment: {
      POWERTOOLS_SERVICE_NAME: 'operations',
      ORDERS_TABLE: ref('OrdersTable'),
      SAGA_TABLE: ref('SagaStateTable'),
      ...Object.fromEntries(topology.emitters.map((s) => [`${upper(s)}_OUTBOX_TABLE`, ref(outboxOf(s))])),
      ...Object.fromEntries(topology.receivers.map((s) => [`${upper(s)}_INBOX_TABLE`, ref(inboxOf(s))])),
      DEAD_LETTER_TABLE: ref('DeadLetterTable'),
    },
    iamRoleStatements: [
      // The order, then its saga by the order's sagaId (consistent reads, no index).
      allow(['dynamodb:GetItem'], [arn('OrdersTable'), arn('SagaStateTable')]),
      allow(['dynamodb:Query'], [...outboxes.map((t) => index(t, 'AggregateIndex')), index('DeadLetterTable', 'AggregateIndex')]),
      // The outbox rows themselves (the index by order projects only what replay needs), and the markers.
      allow(['dynamodb:BatchGetItem'], [...outboxes, ...inboxes].map(arn)),
    ],
  };
  return functions;
};

module.exports = async ({ resolveVariable }) => {
  const [consumer, ruleDelivery, outboxStream, reservedOn] = await Promise.all(['self:custom.consumer', 'self:custom.ruleDelivery', 'self:custom.outboxStream', 'param:reservedConcurrency'].map((v) => resolveVariable(v)));
  const { topology } = require('./declaration').declaration();
  const reserved = String(reservedOn) === 'true' ? reservedConcurrency(topology) : {};
  return functionsFor(topology, { consumer, ruleDelivery, outboxStream, reserved });
};
module.exports.functionsFor = functionsFor;
