import { eventHandler } from '../../lib/platform/middleware/event';
import { loadCatalogue } from '../../lib/services/inventory/use-cases/load-catalogue';
import { catalogueDeps } from '../../lib/services/inventory/wiring';

const deps = catalogueDeps();

/** `sls invoke -f loadCatalogue --path catalogue/demo.json`: the file is the event. */
export const handler = eventHandler((event: unknown) => loadCatalogue(event, deps));
