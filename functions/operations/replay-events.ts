import { replayEventsHandler } from '../../lib/platform/wiring/relay';

export const handler = replayEventsHandler();
