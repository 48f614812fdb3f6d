import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { refundPayment } from '../../lib/services/payments/use-cases/refund-payment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { paymentsDeps } from '../../lib/services/payments/wiring';

const deps = paymentsDeps();

export const handler = consumerHandler(topology.subscriptionOf('refundPayment'), consumerDeps(topology.plumbingOf('refundPayment')), (event, commit) => refundPayment(event, commit, deps));
