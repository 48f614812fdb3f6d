import { allocate, homeShard, MAX_SHARDS, shardKey, shardsPerLine, spread } from '../../../lib/services/inventory/domain/stock';
import { planLoad, parseCatalogue } from '../../../lib/services/inventory/domain/catalogue';
import { decideRelease } from '../../../lib/services/inventory/domain/reservation';
import { releaseStock } from '../../../lib/services/inventory/use-cases/release-stock';
import type { UnitOfWork } from '../../../lib/platform/ports';
import { aFakeInventoryStore, aFixedClock, anOrderCancelledEvent, aReservation } from '../../steps/given';

/** A seeded generator, so a failing case can be repeated. */
const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('allocate: where one line of an order takes its units from', () => {
  it('takes the whole line from its home shard when that shard holds it', () => {
    // Act
    const allocation = allocate([5, 5, 5, 5], 3, 2, 3);

    // Assess
    expect(allocation).toEqual({ kind: 'take', takes: [{ shard: 2, quantity: 3 }] });
  });

  it('falls through to the fullest other shards when the home shard runs short', () => {
    // Act
    const allocation = allocate([1, 4, 0, 2], 6, 0, 3);

    // Assess
    expect(allocation).toEqual({
      kind: 'take',
      takes: [
        { shard: 0, quantity: 1 },
        { shard: 1, quantity: 4 },
        { shard: 3, quantity: 1 },
      ],
    });
  });

  it('answers short only when the shards together lack the quantity', () => {
    // Assess
    expect(allocate([1, 1, 1], 4, 0, 3)).toEqual({ kind: 'short' });
    expect(allocate([1, 1, 1], 3, 0, 3).kind).toBe('take');
    expect(allocate([0], 1, 0, 3)).toEqual({ kind: 'short' });
  });

  it('gathers units spread over more shards than the line may take from into one shard', () => {
    // Act
    const allocation = allocate([1, 1, 1, 1, 2], 5, 0, 2);

    // Assess
    expect(allocation).toEqual({
      kind: 'consolidate',
      into: 4,
      moves: [
        { shard: 0, quantity: 1 },
        { shard: 1, quantity: 1 },
        { shard: 2, quantity: 1 },
      ],
    });
  });

  it('holds for any stock and quantity: takes add up, never exceed a shard, stay within the bound; short iff the total lacks it', () => {
    const random = seeded(42);
    /** What went wrong in each case, named; a correct allocator leaves it empty. */
    const problems: string[] = [];
    const kinds = new Set<string>();
    for (let run = 0; run < 5_000; run += 1) {
      // Prepare
      const shards = 1 + Math.floor(random() * 12);
      const stocks = Array.from({ length: shards }, () => Math.floor(random() * 6));
      const quantity = 1 + Math.floor(random() * 20);
      const maxShards = 1 + Math.floor(random() * 4);
      const total = stocks.reduce((a, b) => a + b, 0);
      const fail = (why: string) => problems.push(`${why}: stocks ${JSON.stringify(stocks)}, quantity ${quantity}, max ${maxShards}`);

      // Act
      const allocation = allocate(stocks, quantity, Math.floor(random() * shards), maxShards);
      kinds.add(allocation.kind);

      // Assess (collected)
      if ((total < quantity) !== (allocation.kind === 'short')) fail(`short is ${allocation.kind === 'short'} with ${total} in all`);
      if (allocation.kind === 'take') {
        if (allocation.takes.reduce((sum, t) => sum + t.quantity, 0) !== quantity) fail('takes do not add up');
        if (allocation.takes.length > maxShards) fail('too many shards');
        if (allocation.takes.some((t) => t.quantity > stocks[t.shard]! || t.quantity <= 0)) fail('a take exceeds its shard');
        if (new Set(allocation.takes.map((t) => t.shard)).size !== allocation.takes.length) fail('a shard taken twice');
      }
      if (allocation.kind === 'consolidate') {
        // After the moves the line fits in one shard: the next allocation takes it.
        const after = [...stocks];
        for (const m of allocation.moves) {
          if (m.quantity > stocks[m.shard]! || m.shard === allocation.into) fail('a move exceeds its shard, or moves into itself');
          after[m.shard]! -= m.quantity;
          after[allocation.into]! += m.quantity;
        }
        if (after.reduce((a, b) => a + b, 0) !== total) fail('moves change the total');
        if (allocate(after, quantity, allocation.into, maxShards).kind !== 'take') fail('still not allocatable after the moves');
      }
    }

    // Assess
    expect(problems.slice(0, 5)).toEqual([]);
    expect([...kinds].sort()).toEqual(['consolidate', 'short', 'take']);
  });
});

describe('the shards of a product', () => {
  it('spreads stock as evenly as whole units allow', () => {
    // Assess
    expect(spread(10, 4)).toEqual([3, 3, 2, 2]);
    expect(spread(2, 4)).toEqual([1, 1, 0, 0]);
    expect(spread(7, 1)).toEqual([7]);
  });

  it('spreads orders evenly over the shards, the same shard for the same order every time', () => {
    // Prepare
    const counts = new Array(8).fill(0);

    // Act
    for (let i = 0; i < 8_000; i += 1) counts[homeShard(`order-${i}`, 'product-1', 8)] += 1;

    // Assess
    expect(homeShard('order-1', 'product-1', 8)).toBe(homeShard('order-1', 'product-1', 8));
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(homeShard('order-1', 'product-1', 1)).toBe(0);
  });

  it('keys shard 0 as the product itself, so a product stocked before sharding is one shard', () => {
    // Assess
    expect(shardKey('product-1', 0)).toBe('product-1');
    expect(shardKey('product-1', 3)).toBe('product-1#3');
  });

  it('keeps a whole reservation within DynamoDB\'s 100 actions: marker, reservation, outbox row and every shard write', () => {
    // Assess
    for (let lines = 1; lines <= 25; lines += 1) expect(3 + lines * shardsPerLine(lines)).toBeLessThanOrEqual(100);
    expect(shardsPerLine(25)).toBe(3);
  });
});

describe('a catalogue entry with shards', () => {
  const entry = (over: Record<string, unknown> = {}) => parseCatalogue({ products: [{ productId: 'hot', name: 'Hot', price: 100, stock: 10, ...over }] })[0]!;

  it('is validated: a whole number from 1 to the maximum', () => {
    // Assess
    expect(() => entry({ shards: 0 })).toThrow(/shards must be at least 1/);
    expect(() => entry({ shards: MAX_SHARDS + 1 })).toThrow(/shards must be at most/);
    expect(() => entry({ shards: 1.5 })).toThrow(/shards must be a whole number/);
    expect(entry({ shards: 4 }).shards).toBe(4);
  });

  it('creates the product with its stock spread over its shards', () => {
    // Assess
    expect(planLoad(entry({ shards: 4 }), undefined)).toMatchObject({ outcome: 'created', product: { stock: 10, shards: 4 }, stock: { mode: 'set', values: [3, 3, 2, 2] } });
  });

  it('adds a delivery to each shard as it is, and spreads everything again when the shard count grows', () => {
    // Prepare
    const existing = { productId: 'hot', name: 'Hot', price: 100, stock: 4, shards: [0, 4], stockLoaded: 10 };

    // Assess
    expect(planLoad(entry({ stock: 14, shards: 2 }), existing)).toMatchObject({ outcome: 'restocked', product: { stock: 8 }, stock: { mode: 'add', deltas: [2, 2] } });
    expect(planLoad(entry({ stock: 10, shards: 4 }), existing)).toMatchObject({ outcome: 'updated', product: { stock: 4, shards: 4 }, stock: { mode: 'set', values: [1, 1, 1, 1] } });
  });

  it('never takes shards away (units released later go back to the shard they came from)', () => {
    // Prepare
    const existing = { productId: 'hot', name: 'Hot', price: 100, stock: 4, shards: [1, 1, 1, 1], stockLoaded: 10 };

    // Assess
    expect(planLoad(entry({ shards: 2 }), existing)).toMatchObject({ outcome: 'unchanged', product: { shards: 4 } });
  });
});

describe('a release on sharded stock', () => {
  it('gives each unit back to the shard it came from; a reservation from before sharding gives back to shard 0', async () => {
    // Prepare
    const sharded = aReservation({ orderId: 'o-1', items: [{ productId: 'hot', quantity: 3, unitPrice: 100, from: [{ shard: 2, quantity: 1 }, { shard: 5, quantity: 2 }] }] });
    const legacy = aReservation({ orderId: 'o-2', items: [{ productId: 'old', quantity: 2, unitPrice: 100 }] });
    const writesOf = async (reservation: ReturnType<typeof aReservation>) => {
      const commit = jest.fn<Promise<void>, [UnitOfWork]>(async () => undefined);
      await releaseStock(anOrderCancelledEvent({ orderId: reservation.orderId }), commit, { inventory: aFakeInventoryStore({ reservation }), clock: aFixedClock() });
      return commit.mock.calls[0]![0].writes.map((w) => w.write as { op: string; args: unknown[] }).filter((w) => w.op === 'incrementStock').map((w) => w.args);
    };

    // Assess
    expect(await writesOf(sharded)).toEqual([
      ['hot', 2, 1],
      ['hot', 5, 2],
    ]);
    expect(await writesOf(legacy)).toEqual([['old', 0, 2]]);
    expect(decideRelease(anOrderCancelledEvent({ orderId: 'o-1' }), sharded, new Date())).toMatchObject({ events: [{ data: { items: [{ productId: 'hot', quantity: 3 }] } }] });
  });
});
