import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { chargePayment } from '../../lib/services/payments/use-cases/charge-payment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { paymentsDeps } from '../../lib/services/payments/wiring';

const deps = paymentsDeps();

export const handler = consumerHandler(topology.subscriptionOf('chargePayment'), consumerDeps(topology.plumbingOf('chargePayment')), (event, commit) => chargePayment(event, commit, deps));
