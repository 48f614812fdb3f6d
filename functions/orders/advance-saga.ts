import { consumerHandler } from '../../lib/middleware/consumer';
import { consumerDeps } from '../../lib/use-cases/consumer-wiring';
import { advanceSaga } from '../../lib/use-cases/orders/advance-saga';
import { ordersRepository } from '../../lib/use-cases/orders/wiring';

const deps = { orders: ordersRepository() };

export const handler = consumerHandler(
  {
    consumer: 'advanceSaga',
    accepts: ['inventory.reserved', 'inventory.reservation.failed', 'inventory.released', 'payment.succeeded', 'payment.failed', 'payment.refunded'],
  },
  consumerDeps({ emits: true }),
  (event, commit) => advanceSaga(event, commit, deps),
);
