import type { TxWrite } from '../../platform/ports';
import type { Product, Reservation } from './domain/reservation';
import type { LoadPlan, StockedProduct } from './domain/catalogue';
import type { ShardTake } from './domain/stock';

export interface InventoryStore {
  /** Each product with its stock per shard and in all, read consistently. */
  getProducts(ids: string[]): Promise<Map<string, Product>>;
  getReservation(orderId: string): Promise<Reservation | undefined>;
  putNewReservation(reservation: Reservation): TxWrite;
  replaceReservation(reservation: Reservation, previous: Reservation | undefined): TxWrite;
  /** Takes units from one shard; refused (a `ConflictError`: read again) if the shard holds fewer than that now. */
  decrementStock(productId: string, take: ShardTake): TxWrite;
  incrementStock(productId: string, take: ShardTake): TxWrite;
  /** Moves units between shards of one product, total unchanged; a `ConflictError` if a shard it takes from holds fewer now. */
  consolidate(productId: string, into: number, moves: ShardTake[]): Promise<void>;
}

/** What loading a catalogue needs: a product read consistently, and its change written only if nobody moved it since. */
export interface CatalogueStore {
  getProduct(productId: string): Promise<StockedProduct | undefined>;
  /** Writes `plan` over `previous` (as read); a `ConflictError` when the product changed in between. */
  applyLoad(plan: LoadPlan, previous: StockedProduct | undefined): Promise<void>;
}
