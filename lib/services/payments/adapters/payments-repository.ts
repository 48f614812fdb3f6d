import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InsufficientFundsError } from '../../../platform/errors';
import type { Account, Payment } from '../domain/payment';
import type { OpenedAccount } from '../domain/account';
import { fromItem, toItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { adjustCounter, putNewRecord, replaceRecord } from '../../../platform/adapters/dynamodb/writes';
import { type AccountsStore, type PaymentsStore } from '../ports';

export class PaymentsRepository implements PaymentsStore, AccountsStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { accounts: string; payments: string },
  ) {}

  async getAccount(customerId: string): Promise<Account | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.accounts, Key: toValues({ customerId }), ConsistentRead: true }));
    return Item ? fromItem<Account>(Item) : undefined;
  }

  async getPayment(orderId: string): Promise<Payment | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.payments, Key: toValues({ orderId }), ConsistentRead: true }));
    return Item ? fromItem<Payment>(Item) : undefined;
  }

  /** First write of a payment (or failure record): refused if anything, a tombstone included, exists. */
  putNewPayment(payment: Payment): DynamoTxWrite {
    return putNewRecord(this.tables.payments, 'Payment', payment);
  }

  replacePayment(payment: Payment, previous: Payment | undefined): DynamoTxWrite {
    return replaceRecord(this.tables.payments, 'Payment', payment, previous);
  }

  /** A balance can never go below zero, whatever runs concurrently. */
  debit(customerId: string, amount: number): DynamoTxWrite {
    return adjustCounter({ table: this.tables.accounts, key: { customerId }, counter: 'balance', delta: -amount, onShortfall: () => new InsufficientFundsError(customerId) });
  }

  credit(customerId: string, amount: number): DynamoTxWrite {
    return adjustCounter({ table: this.tables.accounts, key: { customerId }, counter: 'balance', delta: amount });
  }

  /**
   * A conditional put: a second call (a retry, a second sign-up event, an operator running the
   * command again) finds the account and leaves it as it is, balance included.
   */
  async openOnce(account: OpenedAccount): Promise<{ opened: boolean; account: Account & Partial<OpenedAccount> }> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tables.accounts, Item: toItem(account), ConditionExpression: 'attribute_not_exists(customerId)' }));
      return { opened: true, account };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getAccount(account.customerId);
      if (!existing) throw error;
      return { opened: false, account: existing };
    }
  }
}
