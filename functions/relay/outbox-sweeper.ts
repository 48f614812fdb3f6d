import { outboxSweeperHandler } from '../../lib/platform/wiring/relay';

export const handler = outboxSweeperHandler();
