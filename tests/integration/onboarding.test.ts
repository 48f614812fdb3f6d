import { randomUUID } from 'node:crypto';
import { InventoryRepository } from '../../lib/services/inventory/adapters/inventory-repository';
import { PaymentsRepository } from '../../lib/services/payments/adapters/payments-repository';
import { loadCatalogue } from '../../lib/services/inventory/use-cases/load-catalogue';
import { releaseStock } from '../../lib/services/inventory/use-cases/release-stock';
import { reserveStock } from '../../lib/services/inventory/use-cases/reserve-stock';
import { anOrderCancelledEvent, anOrderCreatedEvent } from '../steps/given';
import { openAccount } from '../../lib/services/payments/use-cases/open-account';
import { TransactionWriter } from '../../lib/platform/adapters/dynamodb/transaction';
import { ConflictError } from '../../lib/platform/errors';
import type { LoadPlan, StockedProduct } from '../../lib/services/inventory/domain/catalogue';
import { ddb, getItem, table } from '../steps/local-aws';
import { packagedFunctions, packagedTemplate } from '../steps/template';

const inventory = () => new InventoryRepository(ddb(), { products: table('ProductsTable'), reservations: table('ReservationsTable') });
const accounts = () => new PaymentsRepository(ddb(), { accounts: table('AccountsTable'), payments: table('PaymentsTable') });
const noWait = async () => {};
const aProductId = () => `itest-product-${randomUUID().slice(0, 8)}`;
const catalogue = (productId: string, stock: number, price = 1000) => ({ products: [{ productId, name: 'Integration beans', price, stock }] });
/** What a reservation does to a product's stock, in its own transaction. */
const reserve = (productId: string, quantity: number) => new TransactionWriter(ddb(), { outboxTable: table('InventoryOutboxTable') }).commit({ writes: [inventory().decrementStock(productId, { shard: 0, quantity })], events: [] });

describe('loadCatalogue on DynamoDB Local', () => {
  it('creates, then changes nothing on the same file, and never gives back or takes what orders reserved', async () => {
    // Prepare
    const productId = aProductId();
    const deps = { catalogue: inventory(), wait: noWait };

    // Act & Assess: created, reserved from, loaded again.
    expect(await loadCatalogue(catalogue(productId, 10), deps)).toMatchObject({ created: 1 });
    await reserve(productId, 4);
    expect(await loadCatalogue(catalogue(productId, 10), deps)).toMatchObject({ unchanged: 1 });
    expect(await getItem('ProductsTable', { productId })).toMatchObject({ stock: 6, stockLoaded: 10 });

    // A delivery of 5 more, then a figure of 0: the 4 reserved units stay with their orders.
    expect(await loadCatalogue(catalogue(productId, 15), deps)).toMatchObject({ restocked: 1 });
    expect(await getItem('ProductsTable', { productId })).toMatchObject({ stock: 11, stockLoaded: 15 });
    expect(await loadCatalogue(catalogue(productId, 0), deps)).toMatchObject({ lowered: 1, keptForOrders: 4 });
    expect(await getItem('ProductsTable', { productId })).toMatchObject({ stock: 0, stockLoaded: 0 });
  });

  it('reads again when a reservation lands between its read and its write', async () => {
    // Prepare: a store whose first write of a lowering is preceded by a reservation of 3.
    const productId = aProductId();
    const real = inventory();
    await loadCatalogue(catalogue(productId, 10), { catalogue: real, wait: noWait });
    let raced = false;
    const racing = {
      getProduct: (id: string) => real.getProduct(id),
      applyLoad: async (plan: LoadPlan, previous: StockedProduct | undefined) => {
        if (!raced) {
          raced = true;
          await reserve(productId, 3);
        }
        return real.applyLoad(plan, previous);
      },
    };
    const attempts = jest.spyOn(racing, 'getProduct');

    // Act: lower the figure by 8 (10 → 2) while 3 units get reserved.
    const result = await loadCatalogue(catalogue(productId, 2), { catalogue: racing, wait: noWait });

    // Assess: the stale write was refused and the load read again: 7 available − 8 → 0, 1 kept for orders.
    expect(attempts).toHaveBeenCalledTimes(2);
    expect(result).toMatchObject({ lowered: 1, keptForOrders: 1 });
    expect(await getItem('ProductsTable', { productId })).toMatchObject({ stock: 0, stockLoaded: 2 });
  });

  it('refuses a stale write with a ConflictError', async () => {
    // Prepare
    const productId = aProductId();
    const store = inventory();
    await loadCatalogue(catalogue(productId, 10), { catalogue: store, wait: noWait });
    const stale = (await store.getProduct(productId))!;
    await loadCatalogue(catalogue(productId, 12), { catalogue: store, wait: noWait });

    // Act & Assess
    await expect(store.applyLoad({ outcome: 'restocked', keptForOrders: 0, product: { productId, name: 'x', price: 1, stock: 20, stockLoaded: 20, shards: 1 }, stock: { mode: 'add', deltas: [10] } }, stale)).rejects.toBeInstanceOf(ConflictError);
    expect(await getItem('ProductsTable', { productId })).toMatchObject({ stock: 12, stockLoaded: 12 });
  });
});

describe('openAccount on DynamoDB Local', () => {
  it('opens once; again (even with other figures, even concurrently) the account stays as it was', async () => {
    // Prepare
    const customerId = `itest-customer-${randomUUID().slice(0, 8)}`;
    const deps = { accounts: accounts(), clock: () => new Date(), defaultCountry: 'DE' };

    // Act
    const results = await Promise.all([openAccount({ customerId, credit: 700 }, deps), openAccount({ customerId, credit: 999, country: 'FR' }, deps), openAccount({ customerId, credit: 1 }, deps)]);

    // Assess: exactly one opened it, and every answer shows the same account.
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    const stored = await getItem<{ balance: number; country: string }>('AccountsTable', { customerId });
    for (const r of results) expect(r.account).toMatchObject({ customerId, balance: stored!.balance, country: stored!.country });
  });
});

describe('the packaged template: customers who sign up get an account', () => {
  it("wires the user pool's post-confirmation trigger to openAccountOnSignUp, lets Cognito invoke it, and allows self sign-up outside prod", () => {
    // Prepare
    const { Resources } = packagedTemplate();
    const fn = packagedFunctions().find((f) => f.key === 'openAccountOnSignUp')!;
    const pool = Resources.CustomerUserPool!.Properties as { LambdaConfig: { PostConfirmation: unknown }; AdminCreateUserConfig: { AllowAdminCreateUserOnly: unknown } };
    const permission = Object.values(Resources).find((r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'cognito-idp.amazonaws.com');

    // Assess
    expect(fn).toBeDefined();
    expect(pool.LambdaConfig.PostConfirmation).toEqual({ 'Fn::GetAtt': [fn.logicalId, 'Arn'] });
    expect(permission?.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fn.logicalId, 'Arn'] }, SourceArn: { 'Fn::GetAtt': ['CustomerUserPool', 'Arn'] } });
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(false);
    const env = (Resources[fn.logicalId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ OPENING_CREDIT: '100000', DEFAULT_COUNTRY: 'DE' });
  });
});

describe('sharded stock on DynamoDB Local', () => {
  const shardedCatalogue = (productId: string, stock: number, shards: number) => ({ products: [{ productId, name: 'Hot beans', price: 100, stock, shards }] });

  it('loads a product over its shards, reads the sum, and spreads it again when shards are added', async () => {
    // Prepare
    const productId = aProductId();
    const deps = { catalogue: inventory(), wait: noWait };

    // Act
    await loadCatalogue(shardedCatalogue(productId, 10, 4), deps);
    const created = (await inventory().getProducts([productId])).get(productId)!;
    const lastShard = await getItem('ProductsTable', { productId: `${productId}#3` });
    await reserve(productId, 3);
    await loadCatalogue(shardedCatalogue(productId, 10, 6), deps);
    const resharded = (await inventory().getProduct(productId))!;

    // Assess
    expect(created).toMatchObject({ stock: 10, shards: [3, 3, 2, 2] });
    expect(lastShard).toMatchObject({ shardOf: productId, shard: 3, stock: 2 });
    expect(resharded).toMatchObject({ stock: 7, shards: [2, 1, 1, 1, 1, 1], stockLoaded: 10 });
  });

  it('reserves one unit per order until the shards together are empty, never more, then gives a release back to its shards', async () => {
    // Prepare: 12 units over 4 shards; 20 orders of one unit each, all at once.
    const productId = aProductId();
    await loadCatalogue(shardedCatalogue(productId, 12, 4), { catalogue: inventory(), wait: noWait });
    const writer = new TransactionWriter(ddb(), { outboxTable: table('InventoryOutboxTable') });
    const orders = Array.from({ length: 20 }, () => anOrderCreatedEvent({ data: { items: [{ productId, quantity: 1 }], deadline: new Date(Date.now() + 600_000).toISOString() } }));
    const deps = { inventory: inventory(), clock: () => new Date() };
    /** The consumer's re-run on a ConflictError, as the middleware does it. */
    const reserveOnce = async (event: ReturnType<typeof anOrderCreatedEvent>) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await reserveStock(event, (unit) => writer.commit(unit), deps);
        } catch (error) {
          if (!(error instanceof ConflictError) || attempt > 20) throw error;
        }
      }
    };

    // Act
    await Promise.all(orders.map(reserveOnce));
    const reservations = await Promise.all(orders.map((o) => inventory().getReservation(o.data.orderId)));
    const reserved = reservations.filter((r) => r?.status === 'RESERVED');
    const one = reserved[0]!;
    await releaseStock(anOrderCancelledEvent({ orderId: one.orderId }), (unit) => writer.commit(unit), deps);

    // Assess
    expect(reserved).toHaveLength(12);
    expect(reservations.filter((r) => r?.status === 'FAILED').map((r) => r!.reason)).toEqual(Array(8).fill(`Insufficient stock for ${productId}`));
    const released = one.items[0]!.from![0]!;
    const after = (await inventory().getProduct(productId))!;
    expect(after.stock).toBe(1);
    expect(after.shards[released.shard]).toBe(1);
  });

  it('gathers units spread over more shards than a line may take from, then reserves them', async () => {
    // Prepare: 8 units, one in each of 8 shards; a 25-line order whose first line wants 5 (3 shards a line).
    const productId = aProductId();
    const others = Array.from({ length: 24 }, () => aProductId());
    await loadCatalogue({ products: [{ productId, name: 'Spread', price: 100, stock: 8, shards: 8 }, ...others.map((id) => ({ productId: id, name: 'Plenty', price: 1, stock: 10 }))] }, { catalogue: inventory(), wait: noWait });
    const writer = new TransactionWriter(ddb(), { outboxTable: table('InventoryOutboxTable') });
    const items = [{ productId, quantity: 5 }, ...others.map((id) => ({ productId: id, quantity: 1 }))];
    const event = anOrderCreatedEvent({ data: { items, deadline: new Date(Date.now() + 600_000).toISOString() } });
    const deps = { inventory: inventory(), clock: () => new Date() };

    // Act: the first run gathers and asks to be run again (ConflictError), the second reserves.
    const first = await reserveStock(event, (unit) => writer.commit(unit), deps).then(() => 'reserved', (e: Error) => e.name);
    await reserveStock(event, (unit) => writer.commit(unit), deps);

    // Assess
    const reservation = (await inventory().getReservation(event.data.orderId))!;
    const after = (await inventory().getProduct(productId))!;
    expect(first).toBe('ConflictError');
    expect(reservation.status).toBe('RESERVED');
    expect(reservation.items[0]!.from!.length).toBeLessThanOrEqual(3);
    expect(after.stock).toBe(3);
    expect(after.shards.every((units) => units >= 0)).toBe(true);
  });
});
