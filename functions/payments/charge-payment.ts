import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { chargePayment } from '../../lib/use-cases/payments/charge-payment';
import { paymentsRepository } from '../../lib/use-cases/payments/wiring';

const deps = { payments: paymentsRepository() };

export const handler = consumerHandler({ consumer: 'chargePayment', accepts: ['inventory.reserved'] }, consumerDeps({ emits: true }), (event, commit) =>
  chargePayment(event, commit, deps),
);
