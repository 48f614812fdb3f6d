import type { TxWrite } from '../../platform/ports';
import type { Product, Reservation } from './domain/reservation';

export interface InventoryStore {
  getProducts(ids: string[]): Promise<Map<string, Product>>;
  getReservation(orderId: string): Promise<Reservation | undefined>;
  putNewReservation(reservation: Reservation): TxWrite;
  replaceReservation(reservation: Reservation, previous: Reservation | undefined): TxWrite;
  decrementStock(productId: string, quantity: number): TxWrite;
  incrementStock(productId: string, quantity: number): TxWrite;
}
