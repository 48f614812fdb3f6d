import { outboxSweeperHandler } from '../../lib/use-cases/outbox/handlers';

export const handler = outboxSweeperHandler();
