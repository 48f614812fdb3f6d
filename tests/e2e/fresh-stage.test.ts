import { startTestStack, type TestStack } from '../steps/stack';
import { invokeLocal, placeOrder } from '../steps/when';
import { tokenFor } from '../steps/given';
import { orderSettles } from '../steps/then';
import { getItem, scanAll } from '../steps/local-aws';

interface LoadResult {
  products: number;
  created: number;
  restocked: number;
  lowered: number;
  updated: number;
  unchanged: number;
}
interface OpenResult {
  opened: boolean;
  account: { customerId: string; balance: number; country: string };
}

/**
 * A stage as it is right after its first deploy: no products, no accounts. The README's onboarding
 * commands (the same `sls invoke` a deployed stage takes, here `invoke local`) are all it takes to
 * get a customer's order CONFIRMED.
 */
describe('onboarding a fresh stage (npm start -- --no-demo-data)', () => {
  let stack: TestStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    stack = await startTestStack({ stage: 'e2efresh', portBase: Number(process.env.E2E_FRESH_PORT_BASE ?? 3400), demoData: false });
    Object.assign(process.env, stack.env);
  }, 180_000);
  afterAll(async () => {
    process.env = saved;
    await stack?.stop();
  });

  it('starts empty; the catalogue, an account and a token later, an order is CONFIRMED', async () => {
    // Prepare: nothing to sell and nobody to sell to.
    expect(await scanAll('ProductsTable')).toEqual([]);
    expect(await scanAll('AccountsTable')).toEqual([]);
    const customerId = 'fresh-customer-1';

    // Act: the README's commands.
    const loaded = await invokeLocal<LoadResult>('loadCatalogue', undefined, { path: 'catalogue/demo.json' });
    const opened = await invokeLocal<OpenResult>('openAccount', { customerId, credit: 100_000 });
    const { status, body } = await placeOrder({ customerId, items: [{ productId: 'product-2', quantity: 1 }] }, { token: tokenFor(customerId) });

    // Assess
    expect(loaded).toMatchObject({ products: 4, created: 4, unchanged: 0 });
    expect(opened).toMatchObject({ opened: true, account: { customerId, balance: 100_000, country: 'DE' } });
    expect(status).toBe(201);
    expect(body.shipTo).toEqual({ country: 'DE' });
    const order = await orderSettles(body.orderId, 60_000);
    expect(order.status).toBe('CONFIRMED');
    expect(await getItem('AccountsTable', { customerId })).toMatchObject({ balance: 100_000 - 4_900 });

    // Act again: both commands are idempotent, and a reload never hands back the unit just sold.
    const reloaded = await invokeLocal<LoadResult>('loadCatalogue', undefined, { path: 'catalogue/demo.json' });
    const reopened = await invokeLocal<OpenResult>('openAccount', { customerId, credit: 5, country: 'FR' });

    // Assess
    expect(reloaded).toMatchObject({ products: 4, created: 0, restocked: 0, lowered: 0, updated: 0, unchanged: 4 });
    expect(reopened).toMatchObject({ opened: false, account: { balance: 100_000 - 4_900, country: 'DE' } });
    expect(await getItem('ProductsTable', { productId: 'product-2' })).toMatchObject({ stock: 499, stockLoaded: 500 });
  }, 240_000);

  it('refuses a bad catalogue whole: every bad entry is named with its field, and nothing is written', async () => {
    // Prepare
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ products: [{ productId: 'fresh-good', name: 'Good', price: 100, stock: 5 }, { productId: 'fresh-bad', name: 'Bad', price: -1, stock: 2 }, { productId: 'fresh-worse', name: '', price: 1, stock: 0.5 }] }));
    try {
      // Act
      const failure = await invokeLocal('loadCatalogue', undefined, { path: file }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      // Assess
      expect(failure).toMatch(/Invalid catalogue \(3 problems, nothing written\)/);
      expect(failure).toContain('products.1 (fresh-bad).price must not be negative');
      expect(failure).toContain('products.2 (fresh-worse).name must not be empty');
      expect(failure).toContain('products.2 (fresh-worse).stock must be a whole number of units');
      expect(await getItem('ProductsTable', { productId: 'fresh-good' })).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
