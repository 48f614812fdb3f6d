import type { TxWrite } from '../../platform/ports';

export interface RewardsStore {
  awardWrites(award: { orderId: string; customerId: string; points: number; at: string }): TxWrite[];
}
