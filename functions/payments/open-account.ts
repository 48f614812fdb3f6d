import { eventHandler } from '../../lib/platform/middleware/event';
import { openAccount } from '../../lib/services/payments/use-cases/open-account';
import { accountsDeps } from '../../lib/services/payments/wiring';

const deps = accountsDeps();

/** `sls invoke -f openAccount --data '{"customerId":"…","credit":<cents>,"country":"DE"}'`. */
export const handler = eventHandler((event: unknown) => openAccount(event, deps));
