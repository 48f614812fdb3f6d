import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
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

/**
 * Runs each invocation in its own scope of Lambda's invoke store, so the logger's keys (request
 * id, correlation id, event id) and the metrics it records belong to that invocation alone when
 * invocations share a process: Powertools keeps them per invocation whenever the environment says
 * invocations run concurrently (`AWS_LAMBDA_MAX_CONCURRENCY`, set by Lambda's multi-concurrency
 * runtimes and by the local stack, whose handlers run in one process). Where the runtime already
 * opened a scope, or invocations never overlap, this only passes the call through.
 */
export const inInvocationScope =
  <E, C extends { awsRequestId: string }, R>(handler: (event: E, context: C) => Promise<R>) =>
  async (event: E, context: C): Promise<R> => {
    const store = await InvokeStore.getInstanceAsync();
    if (store.hasContext()) return handler(event, context);
    return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
  };

const perService = new Map<string, Metrics>();
/**
 * A metric recorded for another service's dimension than this function's own, published at once:
 * the sweep clock reports each outbox's backlog under that outbox's `service`, as the alarms expect.
 */
export const serviceMetric = (service: string, name: string, unit: Parameters<Metrics['addMetric']>[1], value: number): void => {
  let m = perService.get(service);
  if (!m) {
    m = new Metrics({ serviceName: service, singleMetric: true });
    perService.set(service, m);
  }
  m.addMetric(name, unit, value);
};
