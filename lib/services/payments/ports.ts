import type { TxWrite } from '../../platform/ports';
import type { Account, Payment } from './domain/payment';
import type { OpenedAccount } from './domain/account';

export interface PaymentsStore {
  getAccount(customerId: string): Promise<Account | undefined>;
  getPayment(orderId: string): Promise<Payment | undefined>;
  putNewPayment(payment: Payment): TxWrite;
  replacePayment(payment: Payment, previous: Payment | undefined): TxWrite;
  debit(customerId: string, amount: number): TxWrite;
  credit(customerId: string, amount: number): TxWrite;
}

/** Opening accounts: written once, never overwritten. */
export interface AccountsStore {
  /** Creates the account unless one exists; returns the account that is there afterwards and whether it is new. */
  openOnce(account: OpenedAccount): Promise<{ opened: boolean; account: Account & Partial<OpenedAccount> }>;
}
