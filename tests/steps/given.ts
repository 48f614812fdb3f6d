/**
 * "Given" steps shared by every test tier: builders of domain inputs, envelopes, stream records,
 * API Gateway events and Lambda contexts, plus in-memory fakes of the outbox ports. Builders return
 * valid values by default; a test overrides only what it is about.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, EventBridgeEvent, StreamRecord } from 'aws-lambda';
import type { DeadLetter } from '../../lib/platform/adapters/dynamodb/dead-letters';
import type { OutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import type { PublishPath, RelayOutbox } from '../../lib/platform/relay/ports';
import type { ProcessedMarker } from '../../lib/platform/adapters/dynamodb/transaction';
import type { Clock, TxWrite, UnitOfWork } from '../../lib/platform/ports';
import { toOutboxRow } from '../../lib/platform/adapters/dynamodb/outbox-row';
import type { CommittedEvent, EventPublisher, PublishFailure, PublishResult, UnpublishedCursor } from '../../lib/platform/relay/ports';
import type { EventDataOf, EventType } from '../../lib/services/contracts';
import type { Product, Reservation } from '../../lib/services/inventory/domain/reservation';
import type { Order } from '../../lib/services/orders/domain/order';
import type { OrderSagaEvent } from '../../lib/services/orders/domain/transitions';
import type { Account, Payment } from '../../lib/services/payments/domain/payment';
import type { ConsumerDeps } from '../../lib/platform/middleware/consumer';
import type { HttpEvent } from '../../lib/platform/middleware/http';
import { ddb, table } from './local-aws';
import { mintToken } from '../../local/emulator/auth';
import { type InventoryStore } from '../../lib/services/inventory/ports';
import { type PaymentsStore } from '../../lib/services/payments/ports';
import { createEnvelope, type AnyEnvelope, type Envelope, type NewEvent } from '../../lib/services/contracts';

/** The example request body for POST /orders: two of product-1 for customer-123. */
export const aPlaceOrderBody = () => ({
  customerId: 'customer-123',
  items: [{ productId: 'product-1', quantity: 2 }],
});

export const A_FIXED_NOW = new Date('2025-01-15T10:00:00.000Z');

/** A valid `order.created` envelope of a fresh order; `data` and envelope fields can be overridden. */
export const anOrderCreatedEvent = (
  overrides: { data?: Partial<EventDataOf<'order.created'>> } & Partial<Omit<NewEvent<'order.created'>, 'type' | 'data'>> = {},
  now: Date = A_FIXED_NOW,
): Envelope<'order.created'> => {
  const orderId = overrides.data?.orderId ?? overrides.aggregateId ?? randomUUID();
  const { data, ...envelopeFields } = overrides;
  return createEnvelope(
    {
      type: 'order.created',
      aggregateId: orderId,
      sequence: 1,
      correlationId: randomUUID(),
      causationId: null,
      ...envelopeFields,
      data: {
        orderId,
        customerId: 'customer-123',
        items: [{ productId: 'product-1', quantity: 2 }],
        deadline: new Date(now.getTime() + 15 * 60 * 1000).toISOString(),
        ...data,
      },
    },
    now,
  );
};

/** `count` valid `order.created` envelopes, each of its own order. */
export const someOrderCreatedEvents = (count: number): Envelope<'order.created'>[] =>
  Array.from({ length: count }, () => anOrderCreatedEvent());

/** A valid envelope of any type, for tests that need more than `order.created`. */
export const anEvent = <T extends EventType>(event: NewEvent<T>, now: Date = A_FIXED_NOW): Envelope<T> => createEnvelope(event, now);

/** The plain JSON form of an envelope: what a consumer receives and `parseEnvelope` reads. */
export const asJson = (envelope: AnyEnvelope): Record<string, unknown> => JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;

let streamSequence = 100;
const nextSequenceNumber = (): string => String((streamSequence += 1)).padStart(21, '0');

type StreamImage = NonNullable<StreamRecord['NewImage']>;
const toImage = (row: OutboxRow): StreamImage => marshall(row, { removeUndefinedValues: true }) as unknown as StreamImage;

/** A DynamoDB stream record of the outbox table, as Lambda hands it to the forwarder. */
export const anOutboxStreamRecord = (
  row: OutboxRow,
  options: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; sequenceNumber?: string } = {},
): DynamoDBRecord => {
  const eventName = options.eventName ?? 'INSERT';
  const image = toImage(row);
  return {
    eventID: randomUUID(),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/outbox/stream/2025-01-15T00:00:00.000',
    dynamodb: {
      Keys: { id: { S: row.id } },
      ...(eventName === 'REMOVE' ? {} : { NewImage: image }),
      ...(eventName === 'INSERT' ? {} : { OldImage: image }),
      SequenceNumber: options.sequenceNumber ?? nextSequenceNumber(),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
};

/** The INSERT the outbox write of `envelope` produces on the stream. */
export const anInsertRecordOf = (envelope: AnyEnvelope, sequenceNumber?: string): DynamoDBRecord =>
  anOutboxStreamRecord(toOutboxRow(envelope), { eventName: 'INSERT', sequenceNumber });

/** An outbox row whose payload has been altered after the envelope was validated. */
export const aTamperedOutboxRow = (envelope: AnyEnvelope, tamper: (payload: Record<string, unknown>) => Record<string, unknown>): OutboxRow => ({
  ...toOutboxRow(envelope),
  payload: JSON.stringify(tamper(asJson(envelope))),
});

/** A publisher that accepts everything except the ids it is told to refuse. Records its calls. */
export const aFakePublisher = (refuse: Record<string, Pick<PublishFailure, 'code'>> = {}) => {
  const publish = jest.fn<Promise<PublishResult>, [CommittedEvent[]]>(async (events) => ({
    published: events.filter((e) => !refuse[e.id]).map((e) => e.id),
    failed: events
      .filter((e) => refuse[e.id])
      .map((e) => ({ id: e.id, code: refuse[e.id]!.code, message: `refused: ${refuse[e.id]!.code}` })),
  }));
  const publisher: EventPublisher = { publish };
  return { publisher, publish };
};

/** An outbox whose writes all succeed; `unpublished` is what `findUnpublished` returns, in one page. */
export const aFakeOutbox = (unpublished: OutboxRow[] = []) => {
  const findUnpublished = jest.fn<Promise<{ rows: OutboxRow[]; cursor?: UnpublishedCursor }>, [number, UnpublishedCursor?]>(async () => ({ rows: unpublished }));
  const markPublished = jest.fn<Promise<{ marked: string[]; failed: string[] }>, [string[], number, PublishPath]>(async (ids) => ({
    marked: ids,
    failed: [],
  }));
  const markUnpublishable = jest.fn<Promise<void>, [string, string, number]>(async () => undefined);
  const oldestUnpublishedAge = jest.fn<Promise<number>, [number]>(async (now) =>
    unpublished.length ? now - Math.min(...unpublished.map((r) => r.createdAt)) : 0,
  );
  // Claims as the table makes them: a row is claimed by one sweep until its lease runs out.
  const claims = new Map<string, number>();
  const claimForSweep = jest.fn<Promise<Set<string>>, [string[], number, number]>(async (ids, now, leaseMs) => {
    const claimed = ids.filter((id) => (claims.get(id) ?? -Infinity) < now);
    claimed.forEach((id) => claims.set(id, now + leaseMs));
    return new Set(claimed);
  });
  const releaseSweepClaims = jest.fn<Promise<void>, [string[]]>(async (ids) => void ids.forEach((id) => claims.delete(id)));
  const outbox: Pick<RelayOutbox, 'findUnpublished' | 'claimForSweep' | 'releaseSweepClaims' | 'markPublished' | 'markUnpublishable' | 'oldestUnpublishedAge'> = {
    findUnpublished,
    claimForSweep,
    releaseSweepClaims,
    markPublished,
    markUnpublishable,
    oldestUnpublishedAge,
  };
  return { outbox, findUnpublished, claimForSweep, releaseSweepClaims, markPublished, markUnpublishable, oldestUnpublishedAge };
};

/** A minimal API Gateway HTTP API (payload v2) event. */
export const anHttpApiEvent = (
  options: { body?: string; headers?: Record<string, string>; isBase64Encoded?: boolean; method?: string; path?: string } = {},
): HttpEvent => {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/orders';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? { 'Content-Type': 'application/json' },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '15/Jan/2025:10:00:00 +0000',
      timeEpoch: A_FIXED_NOW.getTime(),
    },
  };
};

/** A Lambda context with what Powertools' `injectLambdaContext` reads. */
export const aLambdaContext = (functionName = 'orders-create-order'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2025/01/15/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A valid envelope of `type` about `orderId`, as a participant would receive it (`data` is the contract's). */
export const anEventAbout = <T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  overrides: Partial<Omit<NewEvent<T>, 'type' | 'data'>> = {},
  now: Date = A_FIXED_NOW,
): Envelope<T> =>
  createEnvelope(
    {
      type,
      aggregateId: (data as { orderId: string }).orderId,
      sequence: 1,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      ...overrides,
      data,
    },
    now,
  );

/** A valid `order.cancelled` envelope (what inventory and payments compensate on). */
export const anOrderCancelledEvent = (
  data: Partial<EventDataOf<'order.cancelled'>> = {},
  overrides: Partial<Omit<NewEvent<'order.cancelled'>, 'type' | 'data'>> = {},
): Envelope<'order.cancelled'> =>
  anEventAbout('order.cancelled', { orderId: randomUUID(), customerId: 'customer-123', reason: 'Saga timed out', ...data }, { sequence: 2, ...overrides });

/** A valid `inventory.reserved` envelope (what payments charges on): one line of 2 × 1500 = 3000 cents. */
export const anInventoryReservedEvent = (
  data: Partial<EventDataOf<'inventory.reserved'>> = {},
  overrides: Partial<Omit<NewEvent<'inventory.reserved'>, 'type' | 'data'>> = {},
): Envelope<'inventory.reserved'> =>
  anEventAbout(
    'inventory.reserved',
    { orderId: randomUUID(), customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2, unitPrice: 1500 }], amount: 3000, ...data },
    overrides,
  );

/** Inventory's catalogue as `decideReservation` receives it. */
export const aCatalogue = (...products: Product[]): Map<string, Product> => new Map(products.map((p) => [p.productId, p]));

/** Inventory's record of an order; RESERVED with one line of 2 × 1500 by default. */
export const aReservation = (overrides: Partial<Reservation> = {}): Reservation => ({
  orderId: randomUUID(),
  customerId: 'customer-123',
  status: 'RESERVED',
  items: [{ productId: 'product-1', quantity: 2, unitPrice: 1500 }],
  amount: 3000,
  version: 1,
  updatedAt: A_FIXED_NOW.toISOString(),
  ...overrides,
});

/** Payments' record of an order; CHARGED 3000 cents by default. */
export const aPayment = (overrides: Partial<Payment> = {}): Payment => ({
  orderId: randomUUID(),
  customerId: 'customer-123',
  status: 'CHARGED',
  amount: 3000,
  version: 1,
  updatedAt: A_FIXED_NOW.toISOString(),
  ...overrides,
});

/** An order as the orders service stores it; PENDING with a deadline 15 minutes after A_FIXED_NOW by default. */
export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: randomUUID(),
  customerId: 'customer-123',
  items: [{ productId: 'product-1', quantity: 2 }],
  status: 'PENDING',
  sagaId: randomUUID(),
  createdAt: A_FIXED_NOW.toISOString(),
  updatedAt: A_FIXED_NOW.toISOString(),
  deadline: new Date(A_FIXED_NOW.getTime() + 15 * 60 * 1000).toISOString(),
  version: 1,
  ...overrides,
});

type OrderSagaEventType = OrderSagaEvent['type'];
/** An event of one of the types the orders service reacts to, about `order` and in its saga. */
export const aSagaEventFor = <T extends OrderSagaEventType>(order: Order, type: T, data: Partial<EventDataOf<T>> = {}): { [K in T]: Envelope<K> }[T] => {
  const { orderId, customerId } = order;
  const defaults: { [K in OrderSagaEventType]: EventDataOf<K> } = {
    'inventory.reserved': { orderId, customerId, items: [{ productId: 'product-1', quantity: 2, unitPrice: 1500 }], amount: 3000 },
    'inventory.reservation.failed': { orderId, customerId, reason: 'Insufficient stock for product-1' },
    'payment.succeeded': { orderId, customerId, amount: 3000 },
    'payment.failed': { orderId, customerId, amount: 3000, reason: 'Insufficient funds' },
    'inventory.released': { orderId, items: [{ productId: 'product-1', quantity: 2 }] },
    'payment.refunded': { orderId, customerId, amount: 3000 },
    'shipment.scheduled': { orderId, customerId, amount: 3000, country: 'DE', carrier: 'demo-parcel', shipmentId: `shp-${orderId}` },
    'shipment.failed': { orderId, customerId, amount: 3000, country: 'AQ', reason: 'No carrier delivers to AQ' },
    'shipment.cancelled': { orderId, customerId, cancelled: true, shipmentId: `shp-${orderId}` },
  };
  return anEventAbout(type, { ...defaults[type], ...data } as EventDataOf<T>, { correlationId: order.sagaId, sequence: 2 }) as unknown as { [K in T]: Envelope<K> }[T];
};

/**
 * The EventBridge event that delivers `envelope` to a consumer. Every delivery (a re-publication by
 * the sweeper, a replay, an EventBridge retry) has its own EventBridge `id`; the envelope is the same.
 */
export const anEventBridgeEvent = (envelope: AnyEnvelope | Record<string, unknown>, overrides: Partial<EventBridgeEvent<string, unknown>> = {}): EventBridgeEvent<string, unknown> => {
  const json = JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': String(json.type ?? 'unknown'),
    source: String(json.source ?? 'unknown'),
    account: '123456789012',
    time: A_FIXED_NOW.toISOString(),
    region: 'eu-west-1',
    resources: [],
    detail: json,
    ...overrides,
  };
};

/** Consumer plumbing whose every call succeeds (nothing processed yet); each port is a jest.fn to inspect or re-program. */
export const aFakeConsumerDeps = () => {
  const commit = jest.fn<Promise<void>, [UnitOfWork, ProcessedMarker?, Date?]>(async () => undefined);
  const countDuplicate = jest.fn<Promise<void>, [Pick<ProcessedMarker, 'consumer' | 'eventId'>, Date?]>(async () => undefined);
  const put = jest.fn<Promise<string>, [DeadLetter, Date?]>(async () => randomUUID());
  const sleep = jest.fn(async (_ms: number) => undefined);
  const deps: ConsumerDeps = { tx: { commit, countDuplicate }, deadLetters: { put }, sleep };
  return { deps, commit, countDuplicate, put, sleep };
};

/** A prepared write as the fake stores build it: what it would do, readable in assertions. */
export const aFakeWrite = (op: string, ...args: unknown[]): TxWrite => ({ write: { op, args } });

/** Inventory's store over in-memory state; each write builder returns `aFakeWrite(name, ...args)`. */
export const aFakeInventoryStore = (state: { products?: Product[]; reservation?: Reservation } = {}): InventoryStore => ({
  getProducts: async (ids) => new Map((state.products ?? []).filter((p) => ids.includes(p.productId)).map((p) => [p.productId, p])),
  getReservation: async () => state.reservation,
  putNewReservation: (reservation) => aFakeWrite('putNewReservation', reservation.status),
  replaceReservation: (reservation) => aFakeWrite('replaceReservation', reservation.status),
  decrementStock: (productId, take) => aFakeWrite('decrementStock', productId, take.shard, take.quantity),
  incrementStock: (productId, take) => aFakeWrite('incrementStock', productId, take.shard, take.quantity),
  consolidate: async () => undefined,
});

/** Payments' store over in-memory state; each write builder returns `aFakeWrite(name, ...args)`. */
export const aFakePaymentsStore = (state: { account?: Account; payment?: Payment } = {}): PaymentsStore => ({
  getAccount: async () => state.account,
  getPayment: async () => state.payment,
  putNewPayment: (payment) => aFakeWrite('putNewPayment', payment.status),
  replacePayment: (payment) => aFakeWrite('replacePayment', payment.status),
  debit: (customerId, amount) => aFakeWrite('debit', customerId, amount),
  credit: (customerId, amount) => aFakeWrite('credit', customerId, amount),
});

/** A fixed clock, injected as the composition root injects the system clock. */
export const aFixedClock = (now: Date = A_FIXED_NOW): Clock => () => now;

// ---- data owned by the participants, seeded per test so tests never share stock or money ----

export const aProduct = async (opts: { stock: number; price: number }): Promise<string> => {
  const productId = `e2e-product-${randomUUID().slice(0, 8)}`;
  await ddb().send(new PutItemCommand({ TableName: table('ProductsTable'), Item: marshall({ productId, name: 'test product', ...opts }) }));
  return productId;
};

/** A customer with `balance` cents, whose orders ship to `country` unless they name another. */
export const aCustomer = async (balance: number, country = 'DE'): Promise<string> => {
  const customerId = `e2e-customer-${randomUUID().slice(0, 8)}`;
  await ddb().send(new PutItemCommand({ TableName: table('AccountsTable'), Item: marshall({ customerId, balance, country }) }));
  return customerId;
};

// ---- customers' credentials ----

/**
 * A bearer token for `customerId` that the local stack under test accepts (its issuer and audience
 * come from the stack's environment); `claims` overrides any claim, `expiresInSeconds` may be negative.
 */
export const tokenFor = (customerId: string, options: { expiresInSeconds?: number; claims?: Record<string, unknown> } = {}): string => {
  const issuer = process.env.JWT_ISSUER;
  const audience = process.env.JWT_AUDIENCE;
  if (!issuer || !audience) throw new Error('JWT_ISSUER / JWT_AUDIENCE are not set: run through the e2e Jest project');
  return mintToken({ issuer, audience, subject: customerId, ...options });
};

/**
 * A DynamoDB client whose next TransactWriteItems is committed by DynamoDB but whose answer never
 * reaches the caller: the ambiguous outcome of a timeout after the write.
 */
export const aDynamoDbClientThatLosesTheNextTransactionAnswer = (): DynamoDBClient => {
  const client = new DynamoDBClient({});
  let lose = true;
  client.middlewareStack.add(
    (next) => async (args) => {
      const output = await next(args);
      if (lose && (args.input as { TransactItems?: unknown }).TransactItems) {
        lose = false;
        throw Object.assign(new Error('Connection timed out after the request was sent'), { name: 'TimeoutError' });
      }
      return output;
    },
    { step: 'initialize', name: 'loseTheNextTransactionAnswer' },
  );
  return client;
};

/** An `order.created` envelope whose `items` hold `lines` lines: far beyond its contract and any item size limit. */
export const anOversizedOrderCreatedEvent = (lines = 100_000): Record<string, unknown> => {
  const envelope = asJson(anOrderCreatedEvent());
  const data = envelope.data as Record<string, unknown>;
  return { ...envelope, data: { ...data, items: Array.from({ length: lines }, (_, i) => ({ productId: `product-${i}`, quantity: -1 })) } };
};

/**
 * An HTTP proxy in front of the API that forwards each request whole, waits for the API's complete
 * answer, and then drops the client's connection instead of answering: the API did the work, the
 * client never hears of it (a timeout or a broken connection after the commit).
 */
export const aProxyThatLosesEveryAnswer = async (target: string) => {
  const { createServer, request } = await import('node:http');
  const answered: number[] = [];
  const server = createServer((req, res) => {
    const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      answer.resume();
      answer.on('end', () => {
        answered.push(answer.statusCode ?? 0);
        res.socket?.destroy();
      });
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The statuses the API answered (and the client never saw). */
    answered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
