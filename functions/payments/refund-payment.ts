import { subscriptionOf } from '../../lib/domain/events/subscriptions';
import { consumerHandler } from '../../lib/middleware/consumer';
import { refundPayment } from '../../lib/use-cases/payments/refund-payment';
import { consumerDeps } from '../../lib/wiring/consumers';
import { paymentsDeps } from '../../lib/wiring/payments';

const deps = paymentsDeps();

export const handler = consumerHandler(subscriptionOf('refundPayment'), consumerDeps({ emits: true, repeatsReplies: true }), (event, commit) => refundPayment(event, commit, deps));
