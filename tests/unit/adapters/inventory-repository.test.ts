import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { InventoryRepository } from '../../../lib/services/inventory/adapters/inventory-repository';

const ddbMock = mockClient(DynamoDBClient);
const repository = () => new InventoryRepository(new DynamoDBClient({}), { products: 'products', reservations: 'reservations' });
const product = (productId: string) => marshall({ productId, price: 100, stock: 5 });

describe('InventoryRepository.getProducts', () => {
  beforeEach(() => ddbMock.reset());

  it('retries keys BatchGetItem left unprocessed instead of treating them as unknown products', async () => {
    // Prepare: the first call returns apple and leaves pear unprocessed (throttling).
    ddbMock
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { products: [product('apple')] }, UnprocessedKeys: { products: { Keys: [marshall({ productId: 'pear' })] } } })
      .resolvesOnce({ Responses: { products: [product('pear')] } });

    // Act
    const products = await repository().getProducts(['apple', 'pear']);

    // Assess
    expect([...products.keys()].sort()).toEqual(['apple', 'pear']);
    const calls = ddbMock.commandCalls(BatchGetItemCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.RequestItems!.products!.Keys).toEqual([marshall({ productId: 'pear' })]);
  });

  it('fails (so the event is retried) when keys stay unprocessed', async () => {
    // Prepare
    ddbMock.on(BatchGetItemCommand).resolves({ Responses: { products: [] }, UnprocessedKeys: { products: { Keys: [marshall({ productId: 'pear' })] } } });

    // Act
    const attempt = repository().getProducts(['pear'], 2);

    // Assess
    await expect(attempt).rejects.toThrow(/unprocessed after 2 attempts/);
  });

  it('returns only the products that exist', async () => {
    // Prepare
    ddbMock.on(BatchGetItemCommand).resolves({ Responses: { products: [product('apple')] } });

    // Act
    const products = await repository().getProducts(['apple', 'ghost']);

    // Assess
    expect(products.has('apple')).toBe(true);
    expect(products.has('ghost')).toBe(false);
  });
});
