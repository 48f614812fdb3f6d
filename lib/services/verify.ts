import type { ServiceInvariants } from '../platform/saga/invariants';
import { inventoryInvariants } from './inventory/invariants';
import { ordersInvariants } from './orders/invariants';
import { paymentsInvariants } from './payments/invariants';
import { rewardsInvariants } from './rewards/invariants';
import type { ServiceName } from './saga';
import { shippingInvariants } from './shipping/invariants';

export { saga, topology } from './saga';

/**
 * Every service's invariants for `npm run verify`, each kept with its service. Typed by the
 * declaration's services: a new service without invariants fails the type-check, and the checker
 * refuses one at run time too.
 */
export const invariants: Record<ServiceName, ServiceInvariants> = {
  orders: ordersInvariants,
  inventory: inventoryInvariants,
  payments: paymentsInvariants,
  shipping: shippingInvariants,
  rewards: rewardsInvariants,
};
