import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { CustomerDirectory } from '../ports';

/**
 * The customer's default country, read from their payment account (where onboarding records it):
 * one projected attribute, read-only. Orders never reads or writes a balance.
 */
export class AccountsCustomerDirectory implements CustomerDirectory {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly accountsTable: string,
  ) {}

  async defaultCountry(customerId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.accountsTable, Key: toValues({ customerId }), ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'country' } }),
    );
    const country = Item ? fromItem<{ country?: unknown }>(Item).country : undefined;
    return typeof country === 'string' ? country : undefined;
  }
}
