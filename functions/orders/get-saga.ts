import { authenticatedCustomer, httpHandler, json, pathParameter } from '../../lib/middleware/http';
import { getSagaUseCase } from '../../lib/use-cases/orders/get-order';
import { readOrdersDeps } from '../../lib/wiring/orders';

const deps = readOrdersDeps();

export const handler = httpHandler(async (event) => json(200, await getSagaUseCase(pathParameter(event, 'orderId'), authenticatedCustomer(event), deps)));
