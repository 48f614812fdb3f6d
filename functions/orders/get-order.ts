import { json, httpHandler, pathParameter } from '../../lib/middleware/http';
import { getOrderUseCase } from '../../lib/use-cases/orders/get-order';
import { ordersRepository } from '../../lib/use-cases/orders/wiring';

const deps = { orders: ordersRepository() };

export const handler = httpHandler(async (event) => json(200, await getOrderUseCase(pathParameter(event, 'orderId'), deps)));
