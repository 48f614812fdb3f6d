import { eventHandler } from '../../lib/middleware/event';
import { cancelOverdueSagas } from '../../lib/use-cases/orders/cancel-overdue-sagas';
import { watchdogDeps } from '../../lib/wiring/orders';

const deps = watchdogDeps();

export const handler = eventHandler(() => cancelOverdueSagas(deps));
