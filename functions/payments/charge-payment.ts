import { subscriptionOf } from '../../lib/platform/saga/topology';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { chargePayment } from '../../lib/services/payments/use-cases/charge-payment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { paymentsDeps } from '../../lib/services/payments/wiring';

const deps = paymentsDeps();

export const handler = consumerHandler(subscriptionOf('chargePayment'), consumerDeps({ emits: true }), (event, commit) => chargePayment(event, commit, deps));
