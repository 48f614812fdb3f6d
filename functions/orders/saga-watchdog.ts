import { eventHandler } from '../../lib/middleware/event';
import { cancelOverdueSagas } from '../../lib/use-cases/orders/cancel-overdue-sagas';
import { ordersRepository, ordersTransactions } from '../../lib/use-cases/orders/wiring';

const deps = { orders: ordersRepository(), tx: ordersTransactions() };

export const handler = eventHandler(() => cancelOverdueSagas(deps));
