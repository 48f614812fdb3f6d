import { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../../../platform/errors';
import { identifierSchema, summarise } from '../../../platform/validation';
import { DEFAULT_SHARDS, MAX_SHARDS, spread } from './stock';

/** Units a product may be stocked with: far above any shop's, far below a number that loses precision. */
export const MAX_STOCK = 1_000_000_000;

const whole = (what: string, max: number) =>
  z
    .number({ required_error: 'is required', invalid_type_error: 'must be a number' })
    .int(`must be a whole number of ${what}`)
    .nonnegative('must not be negative')
    .max(max, `must be at most ${max}`);

const entrySchema = z
  .object({
    productId: identifierSchema,
    name: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    /** Cents. */
    price: whole('cents', 100_000_000),
    /** Units the shop has received in all: what the catalogue says is in stock before any order. */
    stock: whole('units', MAX_STOCK),
    /** Items the stock is split over: more for a product many customers buy at once (README, "Capacity"). */
    shards: whole('shards', MAX_SHARDS).min(1, 'must be at least 1').optional(),
  })
  .strict();

const catalogueSchema = z.object({ products: z.array(z.unknown(), { required_error: 'is required', invalid_type_error: 'must be a list' }).min(1, 'must list at least one product').max(10_000, 'must list at most 10000 products') }).strict();

export type CatalogueEntry = z.infer<typeof entrySchema>;

/**
 * A catalogue file (`{ "products": [...] }`), validated whole before anything is written: every bad
 * entry is named (its position and its productId when it has one) with each bad field, and a
 * productId listed twice is an error too.
 */
export const parseCatalogue = (input: unknown): CatalogueEntry[] => {
  const top = catalogueSchema.safeParse(input ?? {});
  if (!top.success) {
    const details = top.error.issues.map((i) => ({ path: i.path.join('.') || '(catalogue)', message: i.message }));
    throw new ValidationError(`Invalid catalogue: ${summarise(details)}`, details);
  }
  const details: ErrorDetail[] = [];
  const entries: CatalogueEntry[] = [];
  const seen = new Map<string, number>();
  top.data.products.forEach((raw, index) => {
    const id = typeof (raw as { productId?: unknown } | null)?.productId === 'string' ? (raw as { productId: string }).productId : undefined;
    const where = `products.${index}${id ? ` (${id})` : ''}`;
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) details.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message });
      return;
    }
    const first = seen.get(parsed.data.productId);
    if (first !== undefined) details.push({ path: `${where}.productId`, message: `is listed twice (also products.${first})` });
    seen.set(parsed.data.productId, index);
    entries.push(parsed.data);
  });
  if (details.length) throw new ValidationError(`Invalid catalogue (${details.length} problem${details.length === 1 ? '' : 's'}, nothing written): ${summarise(details)}`, details);
  return entries;
};

/**
 * A product as the inventory keeps it: `stock` is what is available now over all its shards,
 * `shards` the same per shard (shard 0 first), `stockLoaded` what the catalogue has delivered in all.
 */
export interface StockedProduct {
  productId: string;
  name?: string;
  price: number;
  stock: number;
  shards: number[];
  stockLoaded?: number;
}

/** `updated`: the name or price changed, or a product stocked before the catalogue adopted the file's figure. */
export type LoadOutcome = 'created' | 'restocked' | 'lowered' | 'updated' | 'unchanged';

export interface LoadPlan {
  outcome: LoadOutcome;
  /** What the product becomes: `shards` is how many. */
  product: Required<Pick<StockedProduct, 'productId' | 'name' | 'price' | 'stock' | 'stockLoaded'>> & { shards: number };
  /**
   * What each shard's stock becomes. `add`: a delivery on the same shards, added to each shard as
   * it is (a reservation in between costs it nothing). `set`: exact figures, written only if each
   * shard still holds what was read (stock taken away, or spread over a new number of shards).
   */
  stock: { mode: 'add'; deltas: number[] } | { mode: 'set'; values: number[] };
  /** Units the catalogue asked to take away that orders hold: not taken (never below 0 available). */
  keptForOrders: number;
}

/**
 * How one catalogue entry changes a product. The catalogue's `stock` is the total received, so
 * loading the same file twice changes nothing. A higher figure adds the difference to what is
 * available (a delivery); a lower one takes the difference away, but never more than is
 * available: units that orders have reserved stay theirs. A product stocked before the catalogue
 * existed (no `stockLoaded`) keeps its stock and adopts the file's figure.
 */
export const planLoad = (entry: CatalogueEntry, existing: StockedProduct | undefined): LoadPlan => {
  const base = { productId: entry.productId, name: entry.name, price: entry.price };
  if (!existing) {
    const shards = entry.shards ?? DEFAULT_SHARDS;
    return { outcome: 'created', product: { ...base, stock: entry.stock, stockLoaded: entry.stock, shards }, stock: { mode: 'set', values: spread(entry.stock, shards) }, keptForOrders: 0 };
  }
  // Shards are only ever added: a release gives units back to the shard they came from, which must
  // still be counted. A smaller figure in the file keeps the shards the product has.
  const shards = Math.max(existing.shards.length, entry.shards ?? existing.shards.length);
  const loaded = existing.stockLoaded ?? entry.stock;
  const delta = entry.stock - loaded;
  const stock = Math.max(0, existing.stock + delta);
  const keptForOrders = delta < 0 ? Math.max(0, -delta - existing.stock) : 0;
  const same = existing.stockLoaded !== undefined && existing.name === entry.name && existing.price === entry.price && shards === existing.shards.length;
  const outcome: LoadOutcome = delta > 0 ? 'restocked' : delta < 0 ? 'lowered' : same ? 'unchanged' : 'updated';
  const plan = { outcome, product: { ...base, stock, stockLoaded: entry.stock, shards }, keptForOrders };
  if (delta >= 0 && shards === existing.shards.length) return { ...plan, stock: { mode: 'add', deltas: spread(delta, shards) } };
  return { ...plan, stock: { mode: 'set', values: spread(stock, shards) } };
};
