import { ConflictError } from '../../../platform/errors';
import { logger } from '../../../platform/observability';
import { parseCatalogue, planLoad, type CatalogueEntry } from '../domain/catalogue';
import type { CatalogueStore } from '../ports';

/** Reads of one product before a load gives up on it: each lost race is a reservation that won. */
const MAX_ATTEMPTS = 8;
/** Products written at once. */
const CONCURRENCY = 8;

export interface LoadCatalogueResult {
  products: number;
  created: number;
  restocked: number;
  lowered: number;
  updated: number;
  unchanged: number;
  /** Units a lowered figure could not take away because orders hold them. */
  keptForOrders: number;
}

const loadOne = async (entry: CatalogueEntry, deps: { catalogue: CatalogueStore; wait: (attempt: number) => Promise<void> }) => {
  for (let attempt = 1; ; attempt += 1) {
    const existing = await deps.catalogue.getProduct(entry.productId);
    const plan = planLoad(entry, existing);
    if (plan.outcome === 'unchanged') return plan;
    try {
      await deps.catalogue.applyLoad(plan, existing);
      return plan;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      await deps.wait(attempt);
    }
  }
};

/**
 * Onboarding a stage, step one: the catalogue file, validated whole first (a bad entry names each
 * bad field and nothing is written), then every product created or brought to the file's figures.
 * Idempotent: the same file again changes nothing.
 */
export const loadCatalogue = async (input: unknown, deps: { catalogue: CatalogueStore; wait: (attempt: number) => Promise<void> }): Promise<LoadCatalogueResult> => {
  const entries = parseCatalogue(input);
  const result: LoadCatalogueResult = { products: entries.length, created: 0, restocked: 0, lowered: 0, updated: 0, unchanged: 0, keptForOrders: 0 };
  for (let i = 0; i < entries.length; i += CONCURRENCY) {
    const plans = await Promise.all(entries.slice(i, i + CONCURRENCY).map((entry) => loadOne(entry, deps)));
    for (const plan of plans) {
      result[plan.outcome] += 1;
      result.keptForOrders += plan.keptForOrders;
    }
  }
  logger.info('Catalogue loaded', { ...result });
  return result;
};
