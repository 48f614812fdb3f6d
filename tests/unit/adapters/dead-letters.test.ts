import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DEAD_LETTER_FIELD_BUDGETS, DeadLetterStore, TRUNCATION_MARK, truncateUtf8 } from '../../../lib/platform/adapters/dynamodb/dead-letters';
import { consumerHandler } from '../../../lib/platform/middleware/consumer';
import { anEventBridgeEvent, anOversizedOrderCreatedEvent } from '../../steps/given';
import { invokeConsumer } from '../../steps/when';
import { parseEnvelope } from '../../../lib/services/contracts';

const ddbMock = mockClient(DynamoDBClient);
const DYNAMODB_ITEM_LIMIT = 400 * 1024;
const store = () => new DeadLetterStore(new DynamoDBClient({}), 'dead-letters');
/** An item's size as DynamoDB counts it (attribute names + values), for the flat items stored here. */
const itemSize = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((sum, [name, value]) => {
    const values = [value].flat() as unknown[];
    return sum + Buffer.byteLength(name) + values.reduce<number>((s, v) => s + (typeof v === 'string' ? Buffer.byteLength(v) : 21) + 3, 0);
  }, 0);
const storedItem = () => ddbMock.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;

describe('DeadLetterStore', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(PutItemCommand).resolves({});
  });

  it('stores a small letter whole, saying nothing was truncated', async () => {
    // Act
    await store().put({ consumer: 'reserveStock', reason: 'Invalid data', details: [{ path: 'data', message: 'bad' }], event: { detail: { a: 1 } } });

    // Assess
    const item = unmarshall(storedItem());
    expect(item).toMatchObject({ consumer: 'reserveStock', reason: 'Invalid data', details: '[{"path":"data","message":"bad"}]', event: '{"detail":{"a":1}}' });
    expect(item.truncated).toBeUndefined();
  });

  it('truncates an event of 100,000 lines (and its 100,000 issues) to fit one DynamoDB item, and says so', async () => {
    // Prepare
    const event = anEventBridgeEvent(anOversizedOrderCreatedEvent(100_000));
    const details = Array.from({ length: 100_000 }, (_, i) => ({ path: `data.items.${i}.quantity`, message: 'Number must be greater than 0' }));
    const fullEvent = JSON.stringify(event);

    // Act
    await store().put({ consumer: 'reserveStock', reason: 'Invalid data for "order.created"', details, event });

    // Assess
    const item = unmarshall(storedItem());
    expect(Buffer.byteLength(fullEvent)).toBeGreaterThan(DYNAMODB_ITEM_LIMIT);
    expect(itemSize(item)).toBeLessThan(DYNAMODB_ITEM_LIMIT);
    expect(item.truncated).toEqual(['details', 'event']);
    expect(item.eventBytes).toBe(Buffer.byteLength(fullEvent));
    expect(item.event.startsWith(fullEvent.slice(0, 1000))).toBe(true);
    expect(item.event.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(Buffer.byteLength(item.event)).toBeLessThanOrEqual(DEAD_LETTER_FIELD_BUDGETS.event);
    expect(item.reason).toBe('Invalid data for "order.created"');
  });

  it('never cuts a multi-byte character in two', () => {
    // Prepare: "é" is two bytes; the budget leaves room for one and a half.
    const budget = Buffer.byteLength(TRUNCATION_MARK) + 3;

    // Act
    const cut = truncateUtf8('é'.repeat(10), budget);

    // Assess
    expect(cut).toEqual({ text: `é${TRUNCATION_MARK}`, bytes: 20, truncated: true });
  });

  it('dead-letters a 100,000-line poison event through the consumer middleware instead of failing the invocation', async () => {
    // Prepare
    const handle = jest.fn();
    const consumer = consumerHandler({ consumer: 'reserveStock', accepts: ['order.created'] as const, parse: parseEnvelope, idField: 'orderId' }, { tx: { commit: jest.fn(), countDuplicate: jest.fn() }, deadLetters: store() }, handle);

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(anOversizedOrderCreatedEvent(100_000)));

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(unmarshall(storedItem())).toMatchObject({ consumer: 'reserveStock', reason: 'Invalid data for "order.created"', truncated: ['details', 'event'] });
    expect(handle).not.toHaveBeenCalled();
  });
});
