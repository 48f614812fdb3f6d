import { describeSagaHandler } from '../../lib/services/operations';

export const handler = describeSagaHandler();
