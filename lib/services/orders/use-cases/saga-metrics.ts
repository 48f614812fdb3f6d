import type { Order } from '../domain/order';
import { count, metrics, MetricUnit } from '../../../platform/observability';
import { TIMEOUT_REASON } from '../domain/transitions';

/**
 * The saga metrics operators watch, emitted when a saga ends. Success and compensation rates are
 * CloudWatch metric math over these counts (SagasConfirmed / SagasStarted, SagasCancelled / SagasStarted).
 */
export const sagaMetrics = (order: Order, now: Date): void => {
  if (order.status === 'CONFIRMED') count('SagasConfirmed');
  if (order.status === 'CANCELLED') count('SagasCancelled');
  if (order.reason === TIMEOUT_REASON) count('SagasTimedOut');
  metrics.addMetric('SagaDuration', MetricUnit.Milliseconds, now.getTime() - Date.parse(order.createdAt));
};
