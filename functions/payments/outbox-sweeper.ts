import { outboxSweeperHandler } from '../../lib/wiring/relay';

export const handler = outboxSweeperHandler();
