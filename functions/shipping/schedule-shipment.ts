import { topology } from '../../lib/services/saga';
import { consumerHandler } from '../../lib/platform/middleware/consumer';
import { scheduleShipment } from '../../lib/services/shipping/use-cases/schedule-shipment';
import { consumerDeps } from '../../lib/platform/wiring/consumers';
import { shippingDeps } from '../../lib/services/shipping/wiring';

const deps = shippingDeps();

export const handler = consumerHandler(topology.subscriptionOf('scheduleShipment'), consumerDeps(topology.plumbingOf('scheduleShipment')), (event, commit) => scheduleShipment(event, commit, deps));
