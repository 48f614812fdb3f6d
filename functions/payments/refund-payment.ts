import { subscriptionOf } from '../../lib/platform/saga/topology';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { refundPayment } from '../../lib/services/payments/use-cases/refund-payment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { paymentsDeps } from '../../lib/services/payments/wiring';

const deps = paymentsDeps();

export const handler = consumerHandler(subscriptionOf('refundPayment'), consumerDeps({ emits: true, repeatsReplies: true }), (event, commit) => refundPayment(event, commit, deps));
