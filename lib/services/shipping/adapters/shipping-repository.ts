import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromItem, toValues } from '../../../platform/adapters/dynamodb/marshalling';
import type { DynamoTxWrite } from '../../../platform/adapters/dynamodb/transaction';
import { replaceRecord } from '../../../platform/adapters/dynamodb/writes';
import type { Shipment } from '../domain/shipment';
import type { ShippingStore } from '../ports';

export class ShippingRepository implements ShippingStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { shipments: string },
  ) {}

  async getShipment(orderId: string): Promise<Shipment | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tables.shipments, Key: toValues({ orderId }), ConsistentRead: true }));
    return Item ? fromItem<Shipment>(Item) : undefined;
  }

  /** Guarded on the version read: two events of one order racing re-run on fresh state. */
  saveShipment(shipment: Shipment, previous: Shipment | undefined): DynamoTxWrite {
    return replaceRecord(this.tables.shipments, 'Shipment', shipment, previous);
  }
}
