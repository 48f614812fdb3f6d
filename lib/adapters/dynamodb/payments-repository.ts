import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../domain/errors';
import { InsufficientFundsError, type Account, type Payment } from '../../domain/payments/payment';
import { fromItem, toItem, toValues } from './marshalling';
import type { TxWrite } from './transaction';

const concurrentChange = (orderId: string) => () => new ConflictError(`Payment of order ${orderId} changed concurrently; retrying`);

export class PaymentsRepository {
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

  putNewPayment(payment: Payment): TxWrite {
    return {
      write: { Put: { TableName: this.tables.payments, Item: toItem(payment), ConditionExpression: 'attribute_not_exists(orderId)' } },
      onConditionFailed: concurrentChange(payment.orderId),
    };
  }

  replacePayment(payment: Payment, previous: Payment | undefined): TxWrite {
    if (!previous) return this.putNewPayment(payment);
    return {
      write: {
        Put: {
          TableName: this.tables.payments,
          Item: toItem(payment),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: toValues({ ':v': previous.version }),
        },
      },
      onConditionFailed: concurrentChange(payment.orderId),
    };
  }

  /** Conditional debit: a balance can never go below zero. */
  debit(customerId: string, amount: number): TxWrite {
    return {
      write: {
        Update: {
          TableName: this.tables.accounts,
          Key: toValues({ customerId }),
          UpdateExpression: 'SET balance = balance - :a',
          ConditionExpression: 'attribute_exists(customerId) AND balance >= :a',
          ExpressionAttributeValues: toValues({ ':a': amount }),
        },
      },
      onConditionFailed: () => new InsufficientFundsError(customerId),
    };
  }

  credit(customerId: string, amount: number): TxWrite {
    return {
      write: {
        Update: {
          TableName: this.tables.accounts,
          Key: toValues({ customerId }),
          UpdateExpression: 'SET balance = balance + :a',
          ConditionExpression: 'attribute_exists(customerId)',
          ExpressionAttributeValues: toValues({ ':a': amount }),
        },
      },
    };
  }
}
