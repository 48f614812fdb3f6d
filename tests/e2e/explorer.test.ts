/**
 * The saga explorer in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core; never a downloaded browser) opens the page the e2e stack serves and reads a
 * confirmed, a cancelled (with a dead letter) and a timed-out saga off it. The screenshot is kept
 * in artefacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { watchShardOf } from '../../lib/services/orders/adapters/orders-repository';
import { anEvent, aProduct } from '../steps/given';
import { invokeFunction, placeOrder, putOnBus } from '../steps/when';
import { eventually, sagaFinishes } from '../steps/then';
import { ddb, table } from '../steps/local-aws';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTEFACTS = path.resolve(__dirname, '..', '..', 'artefacts');
const put = (logicalId: string, item: Record<string, unknown>) => ddb().send(new PutItemCommand({ TableName: table(logicalId), Item: marshall(item) }));

/** A saga that stalled after inventory reserved, past its deadline; the watchdog then cancels it. */
const aStalledSaga = async (): Promise<string> => {
  const productId = await aProduct({ stock: 5, price: 1000 });
  const orderId = randomUUID();
  const sagaId = randomUUID();
  const past = new Date(Date.now() - 60_000).toISOString();
  const createdAt = new Date(Date.now() - 120_000).toISOString();
  await put('OrdersTable', { orderId, customerId: 'customer-123', items: [{ productId, quantity: 1 }], status: 'PENDING', sagaId, createdAt, updatedAt: createdAt, deadline: past, version: 1 });
  await put('SagaStateTable', { sagaId, orderId, currentStep: 'CREATED', steps: { created: { status: 'SUCCESS', timestamp: createdAt, eventId: randomUUID() } }, compensationRequired: false, deadline: past, startedAt: createdAt, watchShard: watchShardOf(sagaId), watchAt: past, watchKind: 'RUNNING' });
  await invokeFunction('sagaWatchdog', {});
  return orderId;
};

const rowOf = (page: Page, orderId: string) => page.locator(`#sagas tbody tr[data-order-id="${orderId}"]`);

const open = async (page: Page, orderId: string) => {
  await rowOf(page, orderId).click();
  await page.locator('#detail h2 .mono', { hasText: orderId }).waitFor();
  await page.locator('#detail .summary', { hasText: 'finished' }).waitFor();
};

describe('saga explorer in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it when it is missing)`);
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('lists confirmed, cancelled and timed-out sagas live and draws each as a waterfall of its hops', async () => {
    // Prepare: three sagas that end three ways, one with a dead letter filed under its order.
    const confirmed = (await placeOrder({ customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 1 }] })).body.orderId;
    const cancelled = (await placeOrder({ customerId: 'customer-no-funds', items: [{ productId: 'product-2', quantity: 1 }] })).body.orderId;
    const timedOut = await aStalledSaga();
    await Promise.all([confirmed, cancelled, timedOut].map((id) => sagaFinishes(id)));
    const poison = anEvent({ type: 'payment.refunded', aggregateId: cancelled, sequence: 9, correlationId: randomUUID(), causationId: null, data: { orderId: cancelled, customerId: 'customer-no-funds', amount: 0 } });
    await putOnBus([{ ...poison, version: 2 } as never]);
    await eventually(async () => ((await invokeFunction<{ deadLetters: unknown[] }>('describeSaga', { orderId: cancelled })).deadLetters.length ? true : undefined), { what: 'the dead letter' });
    const page = await context.newPage();

    // Act 1: the list.
    await page.goto(process.env.EXPLORER_URL!);
    for (const id of [confirmed, cancelled, timedOut]) await rowOf(page, id).waitFor();

    // Assess 1
    expect(await rowOf(page, confirmed).getAttribute('data-status')).toBe('CONFIRMED');
    expect(await rowOf(page, cancelled).getAttribute('data-status')).toBe('CANCELLED');
    expect(await rowOf(page, cancelled).locator('.reason').textContent()).toBe('Payment failed: Insufficient funds');
    expect(await rowOf(page, timedOut).locator('.reason').textContent()).toBe('Saga timed out');

    // Act 2: a confirmed saga.
    await open(page, confirmed);

    // Assess 2
    expect(await page.locator('#detail-status').textContent()).toBe('CONFIRMED');
    expect(await page.locator('.row.event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')))).toEqual([
      'order.created',
      'inventory.reserved',
      'payment.succeeded',
      'shipment.scheduled',
      'order.confirmed',
    ]);
    // order.created (2 consumers), inventory.reserved (2), payment.succeeded (2), shipment.scheduled, order.confirmed.
    expect(await page.locator('.row.consumer[data-status="processed"] .bar.processing').count()).toBe(8);
    expect(await page.locator('table.hops tbody tr').count()).toBe(4);

    // Act 3: a cancelled saga, compensated, with a dead letter.
    await open(page, cancelled);

    // Assess 3
    expect(await page.locator('#detail-reason').textContent()).toBe('reason: Payment failed: Insufficient funds');
    expect(await page.locator('.row.event.compensation').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')).sort())).toEqual([
      'inventory.released',
      'order.cancelled',
      'payment.refunded',
      'shipment.cancelled',
    ]);
    expect(await page.locator('.deadletters li').first().textContent()).toContain('Unsupported version 2 of "payment.refunded"');
    fs.mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTEFACTS, 'explorer.png'), fullPage: true });

    // Act 4: a saga the watchdog cancelled.
    await open(page, timedOut);

    // Assess 4
    expect(await page.locator('#detail-reason').textContent()).toBe('reason: Saga timed out');
    expect(await page.locator('.row.event').first().getAttribute('data-event-type')).toBe('order.cancelled');
    expect(await page.locator('.row.consumer[data-consumer="releaseStock"]').getAttribute('data-status')).toBe('processed');
    expect(fs.statSync(path.join(ARTEFACTS, 'explorer.png')).size).toBeGreaterThan(10_000);
  });
});
