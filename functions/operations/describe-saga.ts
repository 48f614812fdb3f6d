import { describeSagaHandler } from '../../lib/wiring/operations';

export const handler = describeSagaHandler();
