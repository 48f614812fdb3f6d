import fs from 'node:fs';
import { startTestStack, type TestStack } from '../steps/stack';
import { E2E_PARAMS } from './global-setup';
import { invokeFunction, invokeLocal, placeOrder } from '../steps/when';
import { startFaultProxy } from '../../local/harness/chaos/fault-proxy';
import { ddbError, markerOf } from '../../local/harness/chaos/faults';
import { consumerFailures, consumerFailuresFile } from '../../local/emulator/async-invoke';
import { tokenFor } from '../steps/given';
import { eventually, orderSettles } from '../steps/then';
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

const STAGE = 'e2efresh';
const PORT_BASE = Number(process.env.E2E_FRESH_PORT_BASE ?? 3400);

/**
 * A second stack, started as a stage is right after its first deploy: no products, no accounts.
 * The README's onboarding commands (the same `sls invoke` a deployed stage takes, here `invoke
 * local`) are all it takes to get a customer's order CONFIRMED. Its functions reach DynamoDB
 * through a fault proxy, which the last test uses to make one consumer fail through all of
 * Lambda's retries.
 */
describe('onboarding a fresh stage (npm start -- --no-demo-data)', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  /** While set, every transaction of this consumer fails (its table "is down"). */
  let failing: string | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    fs.rmSync(consumerFailuresFile(STAGE), { force: true });
    proxy = await startFaultProxy({
      port: PORT_BASE + 21,
      target: `http://127.0.0.1:${PORT_BASE + 20}`,
      name: 'e2efresh-dynamodb',
      rules: [
        (req: { target?: string; json?: unknown }) =>
          failing && req.target === 'DynamoDB_20120810.TransactWriteItems' && markerOf(req.json)?.consumer === failing
            ? { kind: 'consumerDown', respond: ddbError('InternalServerError', 'Internal server error', 500) }
            : undefined,
      ],
    });
    // The e2e settings (a 60 s deadline: a local time factor of 0.2, so Lambda's retries come 12 s and 24 s apart).
    stack = await startTestStack({ stage: STAGE, portBase: PORT_BASE, params: E2E_PARAMS, demoData: false, functionsDynamodbPort: PORT_BASE + 21 });
    Object.assign(process.env, stack.env);
  }, 180_000);
  afterAll(async () => {
    process.env = saved;
    await stack?.stop();
    await proxy?.close();
    fs.rmSync(consumerFailuresFile(STAGE), { force: true });
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

  it("retries a consumer that fails as Lambda does, then keeps its event in the on-failure destination; a replay then confirms the order", async () => {
    // Prepare: an onboarded customer; payments' table is down for chargePayment.
    const customerId = 'fresh-customer-2';
    await invokeLocal('openAccount', { customerId, credit: 100_000 });
    failing = 'chargePayment';

    // Act: the order's payment fails on the first attempt and on both of Lambda's retries.
    const { body } = await placeOrder({ customerId, items: [{ productId: 'product-1', quantity: 1 }] }, { token: tokenFor(customerId) });
    const parked = await eventually(async () => consumerFailures(STAGE).find((f) => f.aggregateId === body.orderId), { timeoutMs: 90_000, intervalMs: 500, what: 'chargePayment to give up' });

    // Assess: three attempts (about 12 s and 24 s apart: a minute and two, at this stack's time factor), then the destination.
    expect(parked).toMatchObject({ consumer: 'chargePayment', type: 'inventory.reserved', condition: 'RetriesExhausted', attempts: 3, error: expect.stringContaining('Internal server error') });
    expect((await getItem('OrdersTable', { orderId: body.orderId }))?.status).toBe('PENDING');

    // Act: the table is back; the operator replays exactly the event the destination holds.
    failing = undefined;
    const replayed = await invokeFunction<{ matched: number; published: number }>('replayEvents', { eventId: parked!.eventId });

    // Assess
    expect(replayed).toMatchObject({ matched: 1, published: 1 });
    expect((await orderSettles(body.orderId, 30_000)).status).toBe('CONFIRMED');
  }, 180_000);
});
