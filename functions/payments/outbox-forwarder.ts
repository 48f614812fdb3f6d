import { outboxForwarderHandler } from '../../lib/wiring/relay';

export const handler = outboxForwarderHandler();
