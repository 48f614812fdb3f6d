import type { TxWrite } from '../../platform/ports';
import type { Account, Payment } from './domain/payment';

export interface PaymentsStore {
  getAccount(customerId: string): Promise<Account | undefined>;
  getPayment(orderId: string): Promise<Payment | undefined>;
  putNewPayment(payment: Payment): TxWrite;
  replacePayment(payment: Payment, previous: Payment | undefined): TxWrite;
  debit(customerId: string, amount: number): TxWrite;
  credit(customerId: string, amount: number): TxWrite;
}
