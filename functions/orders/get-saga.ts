import { authenticatedCustomer, httpHandler, json, pathParameter } from '../../lib/platform/middleware/http';
import { getSagaUseCase } from '../../lib/services/orders/use-cases/get-order';
import { readOrdersDeps } from '../../lib/services/orders/wiring';

const deps = readOrdersDeps();

export const handler = httpHandler(async (event) => json(200, await getSagaUseCase(pathParameter(event, 'orderId'), authenticatedCustomer(event), deps)));
