/**
 * "Then" steps shared by every test tier: assertions that return what they checked, so a test can
 * go on asserting on it.
 */
import type { Order } from '../../lib/services/orders/domain/order';
import type { SagaState } from '../../lib/platform/saga/state';
import { getItem } from './local-aws';
import { POINTS_SHARDS } from '../../lib/services/rewards/domain/points';
import { pointsKey } from '../../lib/services/rewards/adapters/rewards-repository';
import type { SagaTimeline } from '../../lib/platform/saga/describe-saga';
import { fetchOrder, fetchSaga, invokeFunction, sleep } from './when';
import { parseEnvelope } from '../../lib/services/contracts';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Runs `act`, asserts it threw an instance of `type` and returns that error. */
export const expectToThrow = <E extends Error>(act: () => unknown, type: ErrorClass<E>): E => {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
};

/** Awaits `act`, asserts it rejected with an instance of `type` and returns that error. */
export const expectToReject = async <E extends Error>(act: () => Promise<unknown>, type: ErrorClass<E>): Promise<E> => {
  let thrown: unknown;
  try {
    await act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
};

/** The `path` of each `{ path, message }` detail of a domain error. */
export const pathsOf = (error: { details: { path: string }[] }): string[] => error.details.map((d) => d.path);

/** Asserts `value` is a version-4 UUID. */
export const expectUuid = (value: unknown): void => {
  expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
};

/**
 * Asserts `event` was raised in reaction to `cause`: same saga (correlation), caused by it, about the
 * same order, and valid against its contract once serialised (what its consumers will parse).
 */
export const thenItReactsTo = (
  event: { id: string; aggregateId: string; correlationId: string; causationId: string | null },
  cause: { id: string; correlationId: string },
  orderId: string,
): void => {
  expect(event.correlationId).toBe(cause.correlationId);
  expect(event.causationId).toBe(cause.id);
  expect(event.aggregateId).toBe(orderId);
  expect(event.id).not.toBe(cause.id);
  expect(parseEnvelope(JSON.parse(JSON.stringify(event)))).toEqual(event);
};

/** Asserts a domain decision is of `kind` and returns it narrowed to that kind. */
export const thenDecided = <D extends { kind: string }, K extends D['kind']>(decision: D, kind: K): Extract<D, { kind: K }> => {
  expect(decision.kind).toBe(kind);
  return decision as Extract<D, { kind: K }>;
};

// ---- waiting for the system, and reading the state it left ----

/** Polls until `check` returns a value (not undefined), or fails with what it saw last. */
export const eventually = async <T>(check: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}): Promise<T> => {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
};

export const orderSettles = (orderId: string, timeoutMs = 30_000): Promise<Order> =>
  eventually(
    async () => {
      const { body } = await fetchOrder(orderId);
      return body.status === 'CONFIRMED' || body.status === 'CANCELLED' ? body : undefined;
    },
    { timeoutMs, what: `order ${orderId} to be CONFIRMED or CANCELLED` },
  );

/** Waits until the saga records every named step (compensation arrives after the status changes). */
export const sagaHasSteps = (orderId: string, steps: string[], timeoutMs = 30_000): Promise<SagaState> =>
  eventually(
    async () => {
      const { body } = await fetchSaga(orderId);
      return steps.every((s) => s in (body.steps ?? {})) ? body : undefined;
    },
    { timeoutMs, what: `saga of ${orderId} to record ${steps.join(', ')}` },
  );

/** Waits until describeSaga says the saga ended and every consumer processed every event. */
export const sagaFinishes = (orderId: string, timeoutMs = 30_000): Promise<SagaTimeline> =>
  eventually(
    async () => {
      const timeline = await invokeFunction<SagaTimeline>('describeSaga', { orderId });
      // Not finished yet: say what it waits for, so a timeout names the missing piece.
      if (!timeline.finished) throw new Error(`${timeline.status}, waiting for ${JSON.stringify(timeline.waitingFor)}`);
      return timeline;
    },
    { timeoutMs, intervalMs: 250, what: `the saga of ${orderId} to finish` },
  );

/** A product's stock over all its shards (shard 0 is the product item). */
export const stockOf = async (productId: string): Promise<number> => {
  const head = (await getItem<{ stock: number; shards?: number }>('ProductsTable', { productId }))!;
  const others = await Promise.all(Array.from({ length: (head.shards ?? 1) - 1 }, (_, i) => getItem<{ stock: number }>('ProductsTable', { productId: `${productId}#${i + 1}` })));
  return others.reduce((sum, shard) => sum + (shard?.stock ?? 0), head.stock);
};
export const balanceOf = async (customerId: string): Promise<number> => (await getItem<{ balance: number }>('AccountsTable', { customerId }))!.balance;
/** A customer's points over every shard of the running total. */
export const pointsOf = async (customerId: string): Promise<number> =>
  (await Promise.all(Array.from({ length: POINTS_SHARDS }, (_, k) => getItem<{ points: number }>('RewardsTable', { pk: pointsKey(customerId, k) })))).reduce((sum, item) => sum + (item?.points ?? 0), 0);


// ---- the books, checked by the same checker as `npm run verify` ----

interface Violation {
  kind: string;
  message: string;
  ids: string[];
}
interface Checker {
  readSnapshot: (opts: { client: unknown; prefix: string }) => Promise<unknown>;
  clientFor: (endpoint?: string) => { destroy: () => void };
}

/**
 * Runs the invariant checker of `npm run verify` on the stack under test, limited to `orderIds`,
 * with the stock and balances the test started from; returns the violations (expected: none).
 */
export const violationsOf = async (opts: { orderIds: string[]; baseline: { stock: Record<string, number>; balance: Record<string, number> } }): Promise<Violation[]> => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { readSnapshot, clientFor } = require('../../local/harness/verify/snapshot') as Checker;
  const { checkInvariants } = require('../../local/harness/verify/checks') as {
    checkInvariants: (snapshot: unknown, options: Record<string, unknown>) => { violations: Violation[] };
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = clientFor(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  try {
    const snapshot = await readSnapshot({ client, prefix: process.env.E2E_SERVICE_PREFIX ?? 'order-saga-e2e' });
    const ids = new Set(opts.orderIds);
    return checkInvariants(snapshot, { baseline: opts.baseline, inScope: (order: { orderId: string }) => ids.has(order.orderId) }).violations;
  } finally {
    client.destroy();
  }
};
