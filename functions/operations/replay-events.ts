import { eventHandler } from '../../lib/middleware/event';
import { replayEvents } from '../../lib/use-cases/outbox/replay-events';
import { replayDeps } from '../../lib/use-cases/outbox/wiring';

const deps = replayDeps();

export const handler = eventHandler((request: unknown) => replayEvents(request, deps));
