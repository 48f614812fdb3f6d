import { eventHandler } from '../../lib/platform/middleware/event';
import { watchSagas } from '../../lib/platform/saga/watch-sagas';
import { watchdogDeps } from '../../lib/services/orders/wiring';

const deps = watchdogDeps();

export const handler = eventHandler((_event: unknown, context) => watchSagas(deps, { remainingMs: () => context.getRemainingTimeInMillis() }));
