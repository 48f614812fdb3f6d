import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and CloudWatch embedded-metric-format metrics (Powertools). Service name
 * and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE set per function.
 */
export const logger = new Logger();
export const metrics = new Metrics();
export { MetricUnit };

export const count = (name: string, value = 1): void => {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
};
