import { bucketOf } from '../../../platform/sharding';

/**
 * A product's stock, split over shard items so that a product everybody buys at once is not one
 * DynamoDB item: concurrent transactions on one item cancel each other, and one item is capped at
 * one partition's write rate. Shard 0 is the product item itself, so a product stocked before
 * sharding is a product with one shard.
 */

/** Shards a product may have: one catalogue load (every shard in one transaction) stays under DynamoDB's 100 actions. */
export const MAX_SHARDS = 64;
/** Shards a product has unless its catalogue entry says otherwise: one item, as before sharding. */
export const DEFAULT_SHARDS = 1;
/**
 * Shard writes one reservation may make: DynamoDB's 100 actions less the marker, the reservation
 * record and the outbox row. A line gets its share of them, at least 3 (25 lines × 3 + 3 ≤ 100).
 */
const SHARD_WRITE_BUDGET = 97;
export const MIN_SHARDS_PER_LINE = 3;

/** The key of shard `shard` of a product: `#` is not allowed in a product id, so it never collides. */
export const shardKey = (productId: string, shard: number): string => (shard === 0 ? productId : `${productId}#${shard}`);

/** Stock taken from (or given back to) one shard. */
export interface ShardTake {
  shard: number;
  quantity: number;
}

/** The shard an order starts from for a product: orders spread evenly, so they rarely meet on one item; the same shard on every re-run. */
export const homeShard = (orderId: string, productId: string, shards: number): number => bucketOf(`${orderId}:${productId}`, shards);

/** Shards one line of an order of `lines` lines may take from. */
export const shardsPerLine = (lines: number): number => Math.max(MIN_SHARDS_PER_LINE, Math.floor(SHARD_WRITE_BUDGET / Math.max(1, lines)));

export type Allocation =
  | { kind: 'take'; takes: ShardTake[] }
  /** The shards together lack the quantity: out of stock. */
  | { kind: 'short' }
  /**
   * The shards together hold the quantity, but spread over more shards than the line may take
   * from: move `moves` into `into` first (total unchanged), then allocate again.
   */
  | { kind: 'consolidate'; into: number; moves: ShardTake[] };

/**
 * Where one line's units come from: the home shard first, falling through to the others (fullest
 * first, so a line touches as few items as it can), at most `maxShards` of them.
 */
export const allocate = (stocks: readonly number[], quantity: number, home: number, maxShards: number): Allocation => {
  const total = stocks.reduce((sum, s) => sum + Math.max(0, s), 0);
  if (total < quantity) return { kind: 'short' };
  const order = [home, ...stocks.map((_, i) => i).filter((i) => i !== home).sort((a, b) => stocks[b]! - stocks[a]! || a - b)];
  const takes: ShardTake[] = [];
  let left = quantity;
  for (const shard of order) {
    if (left === 0 || takes.length === maxShards) break;
    const take = Math.min(left, Math.max(0, stocks[shard]!));
    if (take === 0) continue;
    takes.push({ shard, quantity: take });
    left -= take;
  }
  if (left === 0) return { kind: 'take', takes };
  // Fragmented: gather into the fullest shard from the next fullest until it holds the quantity.
  const byStock = stocks.map((_, i) => i).sort((a, b) => stocks[b]! - stocks[a]! || a - b);
  const into = byStock[0]!;
  let need = quantity - Math.max(0, stocks[into]!);
  const moves: ShardTake[] = [];
  for (const shard of byStock.slice(1)) {
    if (need <= 0) break;
    const move = Math.min(need, Math.max(0, stocks[shard]!));
    if (move === 0) continue;
    moves.push({ shard, quantity: move });
    need -= move;
  }
  return { kind: 'consolidate', into, moves };
};

/** `total` split over `shards`: as even as whole units allow, the remainder on the first shards. */
export const spread = (total: number, shards: number): number[] => {
  const base = Math.floor(total / shards);
  return Array.from({ length: shards }, (_, i) => base + (i < total % shards ? 1 : 0));
};
