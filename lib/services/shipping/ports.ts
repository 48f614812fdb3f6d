import type { TxWrite } from '../../platform/ports';
import type { Shipment } from './domain/shipment';

export interface ShippingStore {
  getShipment(orderId: string): Promise<Shipment | undefined>;
  /** Writes `shipment`, guarded on `previous` being what was read (absent, or the same version). */
  saveShipment(shipment: Shipment, previous: Shipment | undefined): TxWrite;
}
