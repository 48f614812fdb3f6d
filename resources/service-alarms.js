'use strict';
// The alarms that exist once per service or per function of the saga, derived from its
// declaration (lib/services/saga.ts): each outbox's forwarder iterator age, lag and unpublishable
// rows; the errors of every forwarder and sweeper, of every consumer (and the watchdog); every
// service's dead letters. The alarms that concern the saga as a whole are in alarms.yml.

const capital = (s) => s[0].toUpperCase() + s.slice(1);
const actions = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };

/** A metric-math alarm on the sum of one metric over several dimensions. */
const sumAlarm = ({ prefix, name, description, namespace, metric, dimension, values, period, threshold, idPrefix }) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: `${prefix}-${name}`,
    AlarmDescription: description,
    ...actions,
    Metrics: [
      { Id: 'result', Expression: `SUM([${values.map((_, i) => `${idPrefix}${i}`).join(', ')}])`, Label: metric, ReturnData: true },
      ...values.map((value, i) => ({
        Id: `${idPrefix}${i}`,
        ReturnData: false,
        MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: [{ Name: dimension, Value: value }] }, Period: period, Stat: 'Sum' },
      })),
    ],
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: dimension === 'service' ? 'GreaterThanThreshold' : 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
});

/** The alarms of a saga's topology for a stage's prefix, metrics namespace and thresholds. Pure. */
const alarmsFor = (topology, { prefix, namespace, thresholds: t }) => {
  const fn = (key) => `${prefix}-${key}`;
  const resources = {};
  /** An alarm on one metric of one dimension, above its threshold (the key order CloudFormation shows). */
  const metricAlarm = ({ name, description, namespace: ns, metric, dimension, statistic, period, evaluationPeriods = 1, datapoints, threshold, missing }) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${prefix}-${name}`,
      AlarmDescription: description,
      ...actions,
      Namespace: ns,
      MetricName: metric,
      Dimensions: [dimension],
      Statistic: statistic,
      Period: period,
      EvaluationPeriods: evaluationPeriods,
      ...(datapoints ? { DatapointsToAlarm: datapoints } : {}),
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: missing,
    },
  });
  for (const service of topology.emitters) {
    const S = capital(service);
    const outbox = { Name: 'service', Value: `${service}-outbox` };
    resources[`${S}ForwarderIteratorAgeAlarm`] = metricAlarm({
      name: `${service}-forwarder-iterator-age`,
      description: `The ${service} outbox stream forwarder is more than a minute behind its stream.`,
      namespace: 'AWS/Lambda',
      metric: 'IteratorAge',
      dimension: { Name: 'FunctionName', Value: fn(`${service}OutboxForwarder`) },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 3,
      datapoints: 2,
      threshold: t.iteratorAgeMs,
      missing: 'notBreaching',
    });
    resources[`${S}OutboxLagAlarm`] = metricAlarm({
      name: `${service}-outbox-lag`,
      description: `An event has waited in the ${service} outbox for more than 5 minutes, or the sweep clock stopped reporting it.`,
      namespace,
      metric: 'OutboxOldestUnpublishedAge',
      dimension: outbox,
      statistic: 'Maximum',
      period: 300,
      threshold: t.outboxLagMs,
      missing: 'breaching',
    });
    resources[`${S}OutboxUnpublishableAlarm`] = metricAlarm({
      name: `${service}-outbox-unpublishable`,
      description: `A ${service} outbox row cannot be published as it is (unreadable, or not the event its key says); it stays pending until fixed.`,
      namespace,
      metric: 'OutboxRecordsUnpublishable',
      dimension: outbox,
      statistic: 'Sum',
      period: 60,
      threshold: t.deadLetters,
      missing: 'notBreaching',
    });
  }
  const lambdaErrors = { namespace: 'AWS/Lambda', metric: 'Errors', dimension: 'FunctionName', period: 300, threshold: t.errorsPer5Minutes, idPrefix: 'e', prefix };
  resources.PipelineErrorsAlarm = sumAlarm({
    ...lambdaErrors,
    name: 'pipeline-errors',
    description: 'Outbox forwarders, sweepers or the sweep clock failed 5 or more times in 5 minutes.',
    values: [...topology.emitters.flatMap((s) => [fn(`${s}OutboxForwarder`), fn(`${s}OutboxSweeper`)]), fn('outboxSweepClock')],
  });
  resources.ConsumerErrorsAlarm = sumAlarm({
    ...lambdaErrors,
    name: 'consumer-errors',
    description: 'Saga consumers or the watchdog failed 5 or more times in 5 minutes (each failure is retried).',
    values: [...topology.consumerNames, 'sagaWatchdog'].map(fn),
  });
  resources.PoisonEventsAlarm = sumAlarm({
    prefix,
    name: 'poison-events',
    description: 'An event broke its contract and was set aside in the dead-letter table.',
    namespace,
    metric: 'EventsDeadLettered',
    dimension: 'service',
    values: topology.receivers,
    period: 60,
    threshold: t.deadLetters,
    idPrefix: 'd',
  });
  return resources;
};

module.exports = async ({ resolveVariable }) => {
  const [prefix, namespace, thresholds] = await Promise.all([resolveVariable('self:custom.prefix'), resolveVariable('self:custom.metricsNamespace'), resolveVariable('self:custom.alarmThresholds')]);
  return alarmsFor(require('./declaration').declaration().topology, { prefix, namespace, thresholds });
};
module.exports.alarmsFor = alarmsFor;
