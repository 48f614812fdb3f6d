import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { chargePayment } from '../../lib/use-cases/payments/charge-payment';
import { consumerDeps } from '../../lib/wiring/consumers';
import { paymentsDeps } from '../../lib/wiring/payments';

const deps = paymentsDeps();

export const handler = consumerHandler(subscriptionOf('chargePayment'), consumerDeps({ emits: true }), (event, commit) => chargePayment(event, commit, deps));
