import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { cancelShipment } from '../../lib/services/shipping/use-cases/cancel-shipment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { shippingDeps } from '../../lib/services/shipping/wiring';

const deps = shippingDeps();

export const handler = consumerHandler(topology.subscriptionOf('cancelShipment'), consumerDeps(topology.plumbingOf('cancelShipment')), (event, commit) => cancelShipment(event, commit, deps));
