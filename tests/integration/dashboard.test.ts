/**
 * The stage's dashboard, read from the packaged template: it charts what the alarms watch and draws
 * each alarm's threshold at the alarm's own value (both come from custom.alarmThresholds).
 */
import { packagedTemplate, type Resource } from '../steps/template';

type Widget = { properties: { title: string; metrics: unknown[][]; annotations?: { horizontal: { label: string; value: number }[] } } };

const alarms = (): Resource[] => Object.values(packagedTemplate().Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const widgets = (): Widget[] => {
  const dashboard = Object.values(packagedTemplate().Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
  const body = (dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  return (JSON.parse(body) as { widgets: Widget[] }).widgets;
};
/** Metric names an alarm watches, directly or inside its metric math. */
const metricsOf = (alarm: Resource): string[] =>
  alarm.Properties.MetricName
    ? [String(alarm.Properties.MetricName)]
    : (alarm.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[]).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));

describe('CloudWatch dashboard in the packaged template', () => {
  it('charts every metric an alarm watches', () => {
    // Prepare
    const charted = new Set(widgets().flatMap((w) => w.properties.metrics.flatMap((m) => m.filter((part): part is string => typeof part === 'string'))));

    // Assess
    const missing = [...new Set(alarms().flatMap(metricsOf))].filter((metric) => !charted.has(metric));
    expect(missing).toEqual([]);
  });

  it('charts the handlers re-run inside the invocation, for concurrent changes and for contention, per consuming service', () => {
    // Prepare
    const rerun = widgets().find((w) => /re-run inside the invocation/.test(w.properties.title))!;
    const series = rerun.properties.metrics.map((m) => `${m[1]} ${m[3]}`);

    // Assess
    for (const service of ['inventory', 'payments', 'shipping', 'orders', 'rewards']) {
      expect(series).toContain(`ConcurrentChangesRetried ${service}`);
      expect(series).toContain(`ContentionRetried ${service}`);
    }
  });

  it('draws each alarm threshold at the value the alarm fires on', () => {
    // Prepare
    const drawn = widgets().flatMap((w) => (w.properties.annotations?.horizontal ?? []).map((a) => ({ widget: w.properties.title, value: a.value })));
    const thresholdOf = (metric: string) => alarms().find((a) => metricsOf(a).includes(metric))!.Properties.Threshold;
    const lineIn = (title: RegExp) => drawn.find((d) => title.test(d.widget))?.value;

    // Assess
    expect(lineIn(/^Iterator age/)).toBe(thresholdOf('IteratorAge'));
    expect(lineIn(/^Outbox lag/)).toBe(thresholdOf('OutboxOldestUnpublishedAge'));
    expect(lineIn(/compensation rate/)).toBe(thresholdOf('SagasCancelled'));
    expect(lineIn(/^Dead letters/)).toBe(thresholdOf('EventsDeadLettered'));
    expect(lineIn(/^Dead-letter queue depths/)).toBe(thresholdOf('ApproximateNumberOfMessagesVisible'));
    expect(lineIn(/^Errors per 5 minutes/)).toBe(thresholdOf('Errors'));
    expect(lineIn(/timed out/)).toBe(thresholdOf('SagasTimedOut'));
    expect(typeof thresholdOf('IteratorAge')).toBe('number');
  });
});
