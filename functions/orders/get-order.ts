import { authenticatedCustomer, httpHandler, json, pathParameter } from '../../lib/middleware/http';
import { getOrderUseCase } from '../../lib/use-cases/orders/get-order';
import { readOrdersDeps } from '../../lib/wiring/orders';

const deps = readOrdersDeps();

export const handler = httpHandler(async (event) => json(200, await getOrderUseCase(pathParameter(event, 'orderId'), authenticatedCustomer(event), deps)));
