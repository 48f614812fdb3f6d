import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { refundPayment } from '../../lib/use-cases/payments/refund-payment';
import { paymentsRepository } from '../../lib/use-cases/payments/wiring';

const deps = { payments: paymentsRepository() };

export const handler = consumerHandler({ consumer: 'refundPayment', accepts: ['order.cancelled'] }, consumerDeps({ emits: true }), (event, commit) =>
  refundPayment(event, commit, deps),
);
