/**
 * Which commits the chaos fault proxy recognises as a consumer's: the consumer-failure faults
 * target exactly those, so a consumer it cannot see would never be failed by chaos.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { markerOf } = require('../../../local/harness/chaos/faults') as { markerOf: (json: unknown) => { consumer: string; eventId: string; eventType?: string } | undefined };

describe('the fault proxy: a consumer commit', () => {
  it('is a transaction whose first item is a processed marker', () => {
    // Prepare
    const json = { TransactItems: [{ Put: { Item: { pk: { S: 'reserveStock#e-1' }, eventType: { S: 'order.created' } } } }, { Update: {} }] };

    // Act
    const marker = markerOf(json);

    // Assess
    expect(marker).toEqual({ consumer: 'reserveStock', eventId: 'e-1', eventType: 'order.created' });
  });

  it("is the keeper's saga-step write that records the event, in a transaction or alone (the step is its marker)", () => {
    // Prepare
    const step = { TableName: 'sagas', ExpressionAttributeValues: { ':causeId': { S: 'e-2' } } };

    // Act
    const inTransaction = markerOf({ TransactItems: [{ Put: { Item: { orderId: { S: 'o' } } } }, { Update: step }] });
    const alone = markerOf(step);

    // Assess
    expect(inTransaction).toEqual({ consumer: 'keeper', eventId: 'e-2', eventType: undefined });
    expect(alone).toEqual(inTransaction);
  });

  it('is not any other write', () => {
    // Act / Assess
    expect(markerOf({ TransactItems: [{ Put: { Item: { orderId: { S: 'o' } } } }] })).toBeUndefined();
    expect(markerOf({ TableName: 'outbox', ExpressionAttributeValues: { ':now': { N: '1' } } })).toBeUndefined();
  });
});
