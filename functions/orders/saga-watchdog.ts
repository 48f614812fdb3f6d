import { eventHandler } from '../../lib/middleware/event';
import { watchSagas } from '../../lib/use-cases/orders/watch-sagas';
import { watchdogDeps } from '../../lib/wiring/orders';

const deps = watchdogDeps();

export const handler = eventHandler((_event: unknown, context) => watchSagas(deps, { remainingMs: () => context.getRemainingTimeInMillis() }));
