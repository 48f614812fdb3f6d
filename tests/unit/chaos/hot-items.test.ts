/* eslint-disable @typescript-eslint/no-require-imports */
const { hotItems, keyedItems, itemName } = require('../../../local/harness/chaos/hot-items') as {
  hotItems: (opts?: { top?: number; minTouches?: number; halfLifeMs?: number; now?: () => number }) => { touch: (names: (string | undefined)[]) => number; hot: () => Set<string> };
  keyedItems: (json: unknown) => (string | undefined)[];
  itemName: (table: string, key: Record<string, unknown>) => string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

describe('hotItems: where the fault proxy makes transactions conflict', () => {
  it('names the hottest item a request touches, among the most written lately only', () => {
    // Prepare: a product written 10 times, an account 5 times, each order's own record once.
    let now = 0;
    const hot = hotItems({ top: 2, minTouches: 2.5, now: () => now });
    for (let i = 0; i < 10; i += 1) hot.touch(['product', `order-${i}`, i < 5 ? 'account' : undefined]);
    now += 200;

    // Act
    const both = hot.touch(['order-x', 'account', 'product']);
    const cold = hot.touch(['order-y', 'order-z']);

    // Assess
    expect(both).toBe(2);
    expect(cold).toBe(-1);
    expect([...hot.hot()].sort()).toEqual(['account', 'product']);
  });

  it('cools down: an item nobody wrote for a while is no longer hot', () => {
    // Prepare
    let now = 0;
    const hot = hotItems({ halfLifeMs: 1_000, now: () => now });
    for (let i = 0; i < 8; i += 1) hot.touch(['product']);

    // Act
    now += 10_000;
    const later = hot.touch(['product']);

    // Assess
    expect(later).toBe(-1);
  });

  it('reads the keyed items of a transaction (Update, Delete, ConditionCheck) and of a plain write; a Put names none', () => {
    // Prepare
    const key = { productId: { S: 'p-1' } };
    const transaction = { TransactItems: [{ Put: { TableName: 'markers', Item: { pk: { S: 'x' } } } }, { Update: { TableName: 'products', Key: key } }, { ConditionCheck: { TableName: 'orders', Key: { orderId: { S: 'o-1' } } } }] };

    // Assess
    expect(keyedItems(transaction)).toEqual([undefined, itemName('products', key), itemName('orders', { orderId: { S: 'o-1' } })]);
    expect(keyedItems({ TableName: 'products', Key: key })).toEqual([itemName('products', key)]);
    expect(itemName('t', { a: 1, b: 2 })).toBe(itemName('t', { b: 2, a: 1 }));
  });
});
