import { outboxForwarderHandler } from '../../lib/platform/wiring/relay';

export const handler = outboxForwarderHandler();
