'use strict';
// The stage's CloudWatch dashboard: the saga (success rate, duration, compensation), the outbox
// pipeline (lag, iterator age per forwarder, publish failures, sweeper recoveries), the consumers
// (duplicates, dead letters, errors) and the queues, with every alarm's threshold drawn as a line.
// The thresholds are the alarms' own (custom.alarmThresholds in serverless.yml). A JavaScript file
// because CloudFormation wants the dashboard body as a JSON string.

// Every list comes from the saga's declaration: a new service or consumer gets its widgets.
const { topology } = require('./declaration').declaration();
const OUTBOXES = topology.emitters;
const CONSUMER_SERVICES = topology.receivers;
const CONSUMERS = [...topology.consumerNames, 'sagaWatchdog'];
const PERIOD = 60;

module.exports = async ({ resolveVariable }) => {
  const [prefix, namespace, t] = await Promise.all([resolveVariable('self:custom.prefix'), resolveVariable('self:custom.metricsNamespace'), resolveVariable('self:custom.alarmThresholds')]);
  const region = '${AWS::Region}';
  const fn = (key) => `${prefix}-${key}`;
  const line = (label, value) => ({ label: `alarm: ${label}`, value: Number(value), color: '#d62728' });

  let y = 0;
  const widgets = [];
  /** Two widgets per row, each half the width. */
  const add = (title, metrics, { stat = 'Sum', annotations = [], unit, period = PERIOD, yAxis } = {}) => {
    const i = widgets.length;
    widgets.push({
      type: 'metric',
      x: (i % 2) * 12,
      y,
      width: 12,
      height: 6,
      properties: {
        title,
        region,
        view: 'timeSeries',
        stacked: false,
        stat,
        period,
        metrics,
        ...(annotations.length ? { annotations: { horizontal: annotations } } : {}),
        ...(yAxis || unit ? { yAxis: yAxis || { left: { label: unit, showUnits: false } } } : {}),
      },
    });
    if (i % 2 === 1) y += 6;
  };
  const app = (metric, service, extra = {}) => [namespace, metric, 'service', service, extra];

  add(
    'Saga success and compensation rate (%)',
    [
      [{ expression: 'IF(started > 0, 100 * confirmed / started, 0)', label: 'success rate', id: 'success' }],
      [{ expression: `IF(started >= ${t.compensationMinSagas}, 100 * cancelled / started, 0)`, label: 'compensation rate', id: 'compensation' }],
      app('SagasStarted', 'orders', { id: 'started', visible: false }),
      app('SagasConfirmed', 'orders', { id: 'confirmed', visible: false }),
      app('SagasCancelled', 'orders', { id: 'cancelled', visible: false }),
    ],
    { period: 900, annotations: [line('compensation rate', t.compensationRatePercent)], yAxis: { left: { min: 0, max: 100, label: '%', showUnits: false } } },
  );
  add(
    'Saga duration (created → confirmed or cancelled)',
    ['p50', 'p90', 'p99'].map((stat) => app('SagaDuration', 'orders', { stat, label: stat })),
    { stat: 'p50', unit: 'ms' },
  );
  add('Sagas started, confirmed, cancelled, timed out', ['SagasStarted', 'SagasConfirmed', 'SagasCancelled', 'SagasTimedOut'].map((m) => app(m, 'orders', { label: m })), {
    annotations: [line('saga timeouts', t.sagaTimeouts)],
  });
  add(
    'Outbox lag: oldest unpublished row (max) and commit → published (p99)',
    OUTBOXES.flatMap((s) => [app('OutboxOldestUnpublishedAge', `${s}-outbox`, { stat: 'Maximum', label: `${s} oldest unpublished` }), app('OutboxLag', `${s}-outbox`, { stat: 'p99', label: `${s} lag p99` })]),
    { stat: 'Maximum', unit: 'ms', annotations: [line('outbox lag', t.outboxLagMs)] },
  );
  add(
    'Iterator age per outbox forwarder',
    OUTBOXES.map((s) => ['AWS/Lambda', 'IteratorAge', 'FunctionName', fn(`${s}OutboxForwarder`), { label: s }]),
    { stat: 'Maximum', unit: 'ms', annotations: [line('iterator age', t.iteratorAgeMs)] },
  );
  add('Events published and publish failures', [...OUTBOXES, 'replay'].flatMap((s) => [app('EventsPublished', s === 'replay' ? s : `${s}-outbox`, { label: `${s} published` }), app('PublishFailures', s === 'replay' ? s : `${s}-outbox`, { label: `${s} failures` })]));
  add('Records recovered by the sweepers (should stay 0)', OUTBOXES.map((s) => app('OutboxRecordsRecovered', `${s}-outbox`, { label: s })));
  add(
    'Handlers re-run inside the invocation: state changed concurrently, items busy (hot-item contention, throttling)',
    CONSUMER_SERVICES.flatMap((s) => [app('ConcurrentChangesRetried', s, { label: `${s} changed` }), app('ContentionRetried', s, { label: `${s} busy` })]),
  );
  add('Duplicates skipped by consumers', CONSUMER_SERVICES.map((s) => app('DuplicatesSkipped', s, { label: s })));
  add(
    'Dead letters: events that broke their contract; outbox rows the relay cannot publish (kept pending)',
    [...CONSUMER_SERVICES.map((s) => app('EventsDeadLettered', s, { label: `${s} events` })), ...OUTBOXES.map((s) => app('OutboxRecordsUnpublishable', `${s}-outbox`, { label: `${s} unpublishable rows` }))],
    { annotations: [line('dead letters', t.deadLetters)] },
  );
  add(
    'Compensation re-driven by the watchdog, and stuck after the third attempt',
    [app('CompensationRedriven', 'orders', { label: 're-driven' }), app('CompensationStuck', 'orders', { label: 'stuck' })],
    { period: 300, annotations: [line('compensation stuck', t.compensationStuck)] },
  );
  add(
    'order.confirmed re-driven by the watchdog (a consumer gave up on it), and stuck after the third attempt',
    [app('DeliveryRedriven', 'orders', { label: 're-driven' }), app('DeliveryStuck', 'orders', { label: 'stuck' })],
    { period: 300, annotations: [line('delivery stuck', t.deliveryStuck)] },
  );
  add('Sagas the watchdog had to skip', [app('WatchdogFailures', 'orders', { label: 'skipped' })], { period: 300, annotations: [line('watchdog failures', t.watchdogFailures)] });
  add(
    'Dead-letter queue depths',
    ['consumer-failures', 'event-delivery-dlq', 'outbox-forwarder-failures'].map((q) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `${prefix}-${q}`, { label: q }]),
    { stat: 'Maximum', annotations: [line('any message', t.deadLetters)] },
  );
  add(
    'Errors per 5 minutes: pipeline, consumers, API',
    [
      [{ expression: `SUM([${[...OUTBOXES.flatMap((_, i) => [`f${i}`, `s${i}`]), 'k0'].join(', ')}])`, label: 'forwarders + sweepers + sweep clock', id: 'pipeline' }],
      [{ expression: `SUM([${CONSUMERS.map((_, i) => `c${i}`).join(', ')}])`, label: 'consumers + watchdog', id: 'consumers' }],
      [{ expression: 'SUM([a0, a1, a2])', label: 'HTTP API', id: 'api' }],
      ...OUTBOXES.map((s, i) => ['AWS/Lambda', 'Errors', 'FunctionName', fn(`${s}OutboxForwarder`), { id: `f${i}`, visible: false }]),
      ...OUTBOXES.map((s, i) => ['AWS/Lambda', 'Errors', 'FunctionName', fn(`${s}OutboxSweeper`), { id: `s${i}`, visible: false }]),
      ['AWS/Lambda', 'Errors', 'FunctionName', fn('outboxSweepClock'), { id: 'k0', visible: false }],
      ...CONSUMERS.map((c, i) => ['AWS/Lambda', 'Errors', 'FunctionName', fn(c), { id: `c${i}`, visible: false }]),
      ...['createOrder', 'getOrder', 'getSaga'].map((a, i) => ['AWS/Lambda', 'Errors', 'FunctionName', fn(a), { id: `a${i}`, visible: false }]),
    ],
    { period: 300, annotations: [line('errors', t.errorsPer5Minutes)] },
  );

  return {
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: prefix,
          DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) },
        },
      },
    },
  };
};
