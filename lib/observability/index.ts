import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and CloudWatch embedded-metric-format metrics (Powertools). Service name
 * and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE set per function.
 */
export const logger = new Logger();
/**
 * An invocation that records no business metric is normal (a duplicate skipped, an empty sweep),
 * so Powertools' "no metrics to publish" warning goes to debug instead of every log stream.
 */
export const metrics = new Metrics({
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => logger.debug(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});
export { MetricUnit };

export const count = (name: string, value = 1): void => {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
};
