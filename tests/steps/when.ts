/**
 * "When" steps shared by the tiers: the actions a test takes. Calls to the HTTP API of the running
 * stack, events put on the EventBridge emulator (duplicates, reordering, forgeries), functions
 * invoked through `serverless offline`'s Lambda endpoint or `serverless invoke local`, and consumers
 * invoked in-process as Lambda would.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Order } from '../../lib/services/orders/domain/order';
import type { SagaState } from '../../lib/platform/saga/state';
import type { ConsumerContext, ConsumerOutcome } from '../../lib/platform/middleware/consumer';
import { aLambdaContext, tokenFor } from './given';
import { getItem } from './local-aws';
import { openApiViolations } from './openapi';
import { type AnyEnvelope } from '../../lib/services/contracts';

export const baseUrl = (): string => {
  const url = process.env.BASE_URL;
  if (!url) throw new Error('BASE_URL is not set: run through the e2e Jest project');
  return url;
};

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the HTTP API of the running stack (or `base`, e.g. a proxy) and checks the response against the OpenAPI document. */
export const http = async <T = unknown>(method: string, path: string, body?: string, headers: Record<string, string> = {}, base = baseUrl()): Promise<HttpResponse<T>> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text so the assertion shows it */
  }
  // Every response of every e2e test conforms to the committed OpenAPI document, or the test fails.
  const violations = openApiViolations(method, path, response.status, parsed);
  if (violations.length) throw new Error(`Response breaks contracts/openapi.json:\n  ${violations.join('\n  ')}\nbody: ${text.slice(0, 2000)}`);
  return { status: response.status, headers: response.headers, body: parsed as T };
};

/** Who placed each order this test file placed: reads go out with that customer's token. */
const owners = new Map<string, string>();
const bearer = (customerId: string) => ({ Authorization: `Bearer ${tokenFor(customerId)}` });

/**
 * POST /orders as the customer the body names: the body's `customerId` becomes the token's subject
 * and is not sent (the API takes the customer from the token). `idempotencyKey` adds the header;
 * `token` replaces the customer's own; `via` sends it through another base URL (a proxy).
 */
export const placeOrder = async (
  body: { customerId: string } & Record<string, unknown>,
  options: { idempotencyKey?: string; token?: string; via?: string } = {},
): Promise<HttpResponse<Order>> => {
  const { customerId, ...rest } = body;
  const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : bearer(customerId);
  if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
  const response = await http<Order>('POST', '/orders', JSON.stringify(rest), headers, options.via);
  if (response.status === 201) owners.set(response.body.orderId, customerId);
  return response;
};

/**
 * Who owns an order: the customer who placed it here, else (an order a test seeded in the table)
 * the customer the order table names, else customer-123 (the demo customer).
 */
const ownerOf = async (orderId: string): Promise<string> =>
  owners.get(orderId) ?? (await getItem<{ customerId: string }>('OrdersTable', { orderId }).catch(() => undefined))?.customerId ?? 'customer-123';

/** GET /orders/{id} as `customerId`, by default as the order's owner. */
export const fetchOrder = async (orderId: string, customerId?: string) => http<Order>('GET', `/orders/${orderId}`, undefined, bearer(customerId ?? (await ownerOf(orderId))));
export const fetchSaga = async (orderId: string, customerId?: string) => http<SagaState>('GET', `/orders/${orderId}/saga`, undefined, bearer(customerId ?? (await ownerOf(orderId))));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the bus and the functions, driven directly ----

let bus: EventBridgeClient | undefined;
/**
 * Puts envelopes on the stage's bus as their owner would, bypassing the outboxes; `source` and
 * `detailType` put them under another bus source or detail-type than their own (forgeries).
 */
export const putOnBus = async (
  envelopes: AnyEnvelope[],
  { busName = process.env.E2E_BUS_NAME ?? 'order-saga-e2e-bus', source, detailType }: { busName?: string; source?: string; detailType?: string } = {},
): Promise<void> => {
  bus ??= new EventBridgeClient({});
  for (let i = 0; i < envelopes.length; i += 10) {
    const chunk = envelopes.slice(i, i + 10);
    await bus.send(
      new PutEventsCommand({
        Entries: chunk.map((e) => ({ EventBusName: busName, Source: source ?? e.source, DetailType: detailType ?? e.type, Detail: JSON.stringify(e) })),
      }),
    );
  }
};

/** Invokes a function through `serverless offline`'s Lambda endpoint, as `aws lambda invoke` would. */
export const invokeFunction = async <T = unknown>(functionKey: string, payload: unknown = {}): Promise<T> => {
  const name = `${process.env.E2E_SERVICE_PREFIX ?? 'order-saga-e2e'}-${functionKey}`;
  const response = await fetch(`${process.env.LAMBDA_URL}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(payload),
  });
  const text = await response.text();
  // Like Lambda's Invoke API: a function error is a 200 with X-Amz-Function-Error and errorMessage.
  const failed = !response.ok || response.headers.get('x-amz-function-error') || /^\{"errorMessage"/.test(text);
  if (failed) throw new Error(`invoke ${functionKey} failed: ${response.status} ${text}`);
  return JSON.parse(text) as T;
};

/** Runs the real CLI, `serverless invoke local`, against this stack; returns the function's JSON result. */
export const invokeLocal = async <T = unknown>(functionKey: string, data: unknown, opts: { path?: string } = {}): Promise<T> => {
  const { execFile } = await import('node:child_process');
  const path = await import('node:path');
  const root = path.resolve(__dirname, '..', '..');
  const stage = (process.env.E2E_SERVICE_PREFIX ?? 'order-saga-e2e').replace('order-saga-', '');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(root, 'node_modules/serverless/bin/serverless.js'), 'invoke', 'local', '-f', functionKey, '--stage', stage, ...(opts.path ? ['--path', opts.path] : ['--data', JSON.stringify(data)])],
      // Its own bundle folder: never rewrite the bundles the running stack executes.
      // Killed past 100 s: a CLI that hangs must never outlive the test that started it.
      { cwd: root, env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-invoke', LOG_LEVEL: 'ERROR' }, maxBuffer: 10 * 1024 * 1024, timeout: 100_000, killSignal: 'SIGKILL' },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    ),
  );
  const start = stdout.indexOf('{');
  return JSON.parse(stdout.slice(start, stdout.lastIndexOf('}') + 1)) as T;
};

/**
 * Invokes a consumer the way Lambda does: a fresh context per invocation (Lambda never shares one
 * between invocations, and the middleware keeps per-invocation state on it).
 */
export const invokeConsumer = (
  handler: (event: EventBridgeEvent<string, unknown>, context: ConsumerContext) => Promise<ConsumerOutcome>,
  event: EventBridgeEvent<string, unknown>,
  functionName = 'consumer-under-test',
): Promise<ConsumerOutcome> => handler(event, aLambdaContext(functionName) as ConsumerContext);
