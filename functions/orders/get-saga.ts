import { json, httpHandler, pathParameter } from '../../lib/middleware/http';
import { getSagaUseCase } from '../../lib/use-cases/orders/get-order';
import { ordersRepository } from '../../lib/use-cases/orders/wiring';

const deps = { orders: ordersRepository() };

export const handler = httpHandler(async (event) => json(200, await getSagaUseCase(pathParameter(event, 'orderId'), deps)));
