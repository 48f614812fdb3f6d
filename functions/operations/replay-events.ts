import { replayEventsHandler } from '../../lib/wiring/relay';

export const handler = replayEventsHandler();
