import type { TxWrite } from '../../platform/ports';
import type { Product, Reservation } from './domain/reservation';
import type { LoadPlan, StockedProduct } from './domain/catalogue';

export interface InventoryStore {
  getProducts(ids: string[]): Promise<Map<string, Product>>;
  getReservation(orderId: string): Promise<Reservation | undefined>;
  putNewReservation(reservation: Reservation): TxWrite;
  replaceReservation(reservation: Reservation, previous: Reservation | undefined): TxWrite;
  decrementStock(productId: string, quantity: number): TxWrite;
  incrementStock(productId: string, quantity: number): TxWrite;
}

/** What loading a catalogue needs: a product read consistently, and its change written only if nobody moved it since. */
export interface CatalogueStore {
  getProduct(productId: string): Promise<StockedProduct | undefined>;
  /** Writes `plan` over `previous` (as read); a `ConflictError` when the product changed in between. */
  applyLoad(plan: LoadPlan, previous: StockedProduct | undefined): Promise<void>;
}
