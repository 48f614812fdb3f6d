import { outboxForwarderHandler } from '../../lib/use-cases/outbox/handlers';

export const handler = outboxForwarderHandler();
