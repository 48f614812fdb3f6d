/**
 * What a service contributes to `npm run verify`: the invariants of its own records, checked
 * from a snapshot of the tables (plain items), and, for each of its consumers, what a processed
 * marker must have left behind. The checker runs the platform's own checks (outboxes, markers,
 * idempotency) and these; a service or consumer of the declaration without them is an error.
 */
/** A stored item as the checker reads it (any attribute). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Item = Record<string, any>;

/** Every table the checker read: the keeper's, and each service's own by the names its invariants give them. */
export type Snapshot = Record<string, Item[]>;

export interface OrderContext {
  order: Item;
  saga: Item | undefined;
  /** The outbox rows of this order, with their service. */
  rows: { service: string; row: Item }[];
  /** Whether `consumer` has its processed marker for the event `eventId`. */
  hasMarker: (consumer: string, eventId: string) => boolean;
}

export type AddViolation = (kind: string, message: string, ids: string[]) => void;

export interface ServiceInvariants {
  /** The service's tables the checker must read: snapshot key → table name suffix (`<prefix>-<suffix>`). */
  tables: Readonly<Record<string, string>>;
  /** Checks of one order that has ended (CONFIRMED or CANCELLED) against this service's records. */
  ended?: (ctx: OrderContext, snapshot: Snapshot, add: AddViolation) => void;
  /** Checks across all of this service's records (ledgers, counters). */
  books?: (snapshot: Snapshot, add: AddViolation, options: { baseline?: Record<string, Record<string, number>> }) => void;
  /**
   * For each of its consumers: does the effect of a processed event exist? `effects` are the
   * outbox rows the consumer's service emitted for that event.
   */
  effects: Readonly<Record<string, (ctx: { orderId: string; eventId: string; effects: unknown[]; snapshot: Snapshot }) => boolean>>;
}

/** Items by their `orderId` (one record per order, as every participant keeps). */
export const byOrder = (items: Item[]): Map<string, Item> => new Map(items.map((i) => [i.orderId as string, i]));

/** Adds `n` to `key`'s running total. */
export const addTo = (totals: Map<string, number>, key: string, n: number): void => {
  totals.set(key, (totals.get(key) ?? 0) + n);
};

/**
 * One counter per item (a product's stock, a customer's balance): never negative and, against a
 * baseline, moved by exactly what the confirmed sagas took, all of it held by the service's records.
 */
export const checkCounters = (
  opts: {
    items: Item[];
    idKey: string;
    figure: string;
    what: string;
    baseline: Record<string, number> | undefined;
    confirmed: Map<string, number>;
    held: Map<string, number>;
    heldLabel: string;
    kinds: { negative: string; ledger: string; held: string };
  },
  add: AddViolation,
): void => {
  for (const item of opts.items) {
    const id = item[opts.idKey] as string;
    const value = item[opts.figure] as number;
    if (value < 0) add(opts.kinds.negative, `${opts.what} ${id} has ${opts.figure} ${value}`, [id]);
    const base = opts.baseline?.[id];
    if (base === undefined) continue;
    const used = opts.confirmed.get(id) ?? 0;
    if (value !== base - used) add(opts.kinds.ledger, `${opts.what} ${id}: ${opts.figure} ${value}, expected ${base} − ${used} confirmed = ${base - used}`, [id]);
    if ((opts.held.get(id) ?? 0) !== used) add(opts.kinds.held, `${opts.what} ${id}: ${opts.held.get(id) ?? 0} ${opts.heldLabel}, ${used} confirmed`, [id]);
  }
};
