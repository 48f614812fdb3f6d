import { TransactionConflictError, TransactionThrottledError } from '../../../lib/platform/adapters/errors';
import type { UnitOfWork } from '../../../lib/platform/ports';
import { ConflictError, DuplicateEventError } from '../../../lib/platform/errors';
import { CONFLICT_ATTEMPTS, RERUN_RESERVE_MS, consumerHandler, type ConsumerContext } from '../../../lib/platform/middleware/consumer';
import { aFakeConsumerDeps, aLambdaContext, anEventAbout, anEventBridgeEvent, anInventoryReservedEvent, anOrderCreatedEvent, asJson } from '../../steps/given';
import { invokeConsumer } from '../../steps/when';
import { expectToReject } from '../../steps/then';
import { type Envelope } from '../../../lib/services/contracts';
import { parseEnvelope } from '../../../lib/services/contracts';

const CONSUMER = 'reserveStock';
type Handler = (envelope: Envelope<'order.created'>, commit: (unit: UnitOfWork) => Promise<void>) => Promise<void>;

/** A unit of work as a participant would commit it (the writes themselves do not matter to the middleware). */
const aUnitOfWork = (): UnitOfWork => ({ writes: [], events: [anInventoryReservedEvent()] });

/** A consumer of `order.created` built on fake ports; by default its handler commits one unit of work. */
const aConsumer = (handler: Handler = async (_envelope, commit) => commit(aUnitOfWork())) => {
  const fakes = aFakeConsumerDeps();
  const handle = jest.fn<Promise<void>, Parameters<Handler>>(handler);
  const consumer = consumerHandler({ consumer: CONSUMER, accepts: ['order.created'] as const, parse: parseEnvelope, idField: 'orderId' }, fakes.deps, handle);
  return { ...fakes, handle, consumer };
};

describe('consumerHandler: a valid event of an accepted type', () => {
  it('reaches the handler as the validated envelope and commits with the marker of this consumer and event', async () => {
    // Prepare
    const unit = aUnitOfWork();
    const { consumer, handle, commit } = aConsumer(async (_envelope, commitUnit) => commitUnit(unit));
    const envelope = anOrderCreatedEvent();

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'processed', eventId: envelope.id });
    expect(handle).toHaveBeenCalledTimes(1);
    expect(handle.mock.calls[0]![0]).toEqual(envelope);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit).toHaveBeenCalledWith(unit, { consumer: CONSUMER, eventId: envelope.id, eventType: 'order.created', startedAt: expect.any(String) });
  });

  it('stamps the marker with when the consumer started, no later than the commit', async () => {
    // Prepare
    const { consumer, commit } = aConsumer();
    const before = Date.now();

    // Act
    await invokeConsumer(consumer, anEventBridgeEvent(anOrderCreatedEvent()));

    // Assess
    const startedAt = Date.parse(commit.mock.calls[0]![1]!.startedAt!);
    expect(startedAt).toBeGreaterThanOrEqual(before);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
  });

  it('marks two deliveries of one envelope (re-published, so with different EventBridge ids) with the same marker', async () => {
    // Prepare
    const { consumer, commit } = aConsumer();
    const envelope = anOrderCreatedEvent();
    const first = anEventBridgeEvent(envelope);
    const second = anEventBridgeEvent(envelope);

    // Act
    await invokeConsumer(consumer, first);
    await invokeConsumer(consumer, second);

    // Assess
    expect(first.id).not.toBe(second.id);
    expect(commit).toHaveBeenCalledTimes(2);
    const { startedAt: _first, ...firstMarker } = commit.mock.calls[0]![1]!;
    const { startedAt: _second, ...secondMarker } = commit.mock.calls[1]![1]!;
    expect(firstMarker).toEqual(secondMarker);
    expect(commit.mock.calls[1]![1]).toMatchObject({ consumer: CONSUMER, eventId: envelope.id, eventType: 'order.created' });
  });
});

describe('consumerHandler: a concurrent change of the state the handler read', () => {
  it('runs the handler again on fresh state, within the invocation, after a short wait', async () => {
    // Prepare: another event of the same order wins the race twice.
    let runs = 0;
    const { consumer, handle, commit, sleep } = aConsumer(async (_envelope, commitUnit) => {
      runs += 1;
      if (runs <= 2) throw new ConflictError('Order o-1 changed concurrently');
      await commitUnit(aUnitOfWork());
    });
    const envelope = anOrderCreatedEvent();

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'processed', eventId: envelope.id });
    expect(handle).toHaveBeenCalledTimes(3);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledTimes(2);
    for (const [ms] of sleep.mock.calls) expect(ms).toBeLessThanOrEqual(500);
  });

  it(`leaves it to the platform's retry after ${CONFLICT_ATTEMPTS} runs, and does not re-run other errors`, async () => {
    // Prepare
    const conflicting = aConsumer(async () => {
      throw new ConflictError('Order o-1 changed concurrently');
    });
    const failing = aConsumer(async () => {
      throw new Error('boom');
    });

    // Act
    const conflict = await expectToReject(() => invokeConsumer(conflicting.consumer, anEventBridgeEvent(anOrderCreatedEvent())), ConflictError);
    await expectToReject(() => invokeConsumer(failing.consumer, anEventBridgeEvent(anOrderCreatedEvent())), Error);

    // Assess
    expect(conflict.message).toMatch(/changed concurrently/);
    expect(conflicting.handle).toHaveBeenCalledTimes(CONFLICT_ATTEMPTS);
    expect(failing.handle).toHaveBeenCalledTimes(1);
    expect(failing.sleep).not.toHaveBeenCalled();
  });
});

describe('consumerHandler: contention on hot items is ordinary traffic', () => {
  const busy: [string, () => Error][] = [
    ['a transaction cancelled for TransactionConflict past the writer\'s retries', () => new TransactionConflictError({ cause: new Error('TransactionConflict') })],
    ['a TransactionConflictException on a plain write to an item in a pending transaction', () => Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' })],
    ['throttling past the writer\'s retries', () => new TransactionThrottledError('ThrottlingError', 6, { cause: new Error('throttled') })],
    ['throttling of a read', () => Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' })],
  ];
  it.each(busy)('re-runs the handler on fresh state after %s', async (_what, error) => {
    // Prepare: the items are busy three times, then free.
    const { consumer, handle, commit, sleep } = aConsumer();
    commit.mockRejectedValueOnce(error()).mockRejectedValueOnce(error()).mockRejectedValueOnce(error());
    const envelope = anOrderCreatedEvent();

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'processed', eventId: envelope.id });
    expect(handle).toHaveBeenCalledTimes(4);
    expect(commit).toHaveBeenCalledTimes(4);
    expect(sleep).toHaveBeenCalledTimes(3);
    for (const [ms] of sleep.mock.calls) expect(ms).toBeLessThanOrEqual(1000);
  });

  it('stops re-running while enough of the invocation is left for the platform to take over, not at a timeout', async () => {
    // Prepare: always busy; the invocation has 5 s left, falling by each wait.
    const { consumer, handle, commit, sleep } = aConsumer();
    commit.mockRejectedValue(new TransactionConflictError({ cause: new Error('TransactionConflict') }));
    let left = 5_000;
    sleep.mockImplementation(async () => {
      left -= 1_000;
    });
    const context = { ...aLambdaContext('reserve-stock'), getRemainingTimeInMillis: () => left } as ConsumerContext;

    // Act
    const error = await expectToReject(() => consumer(anEventBridgeEvent(anOrderCreatedEvent()), context), TransactionConflictError);

    // Assess: no wait ever ran the invocation below the reserve a last run needs.
    expect(error).toBeInstanceOf(TransactionConflictError);
    expect(handle.mock.calls.length).toBeGreaterThan(1);
    expect(handle.mock.calls.length).toBeLessThan(CONFLICT_ATTEMPTS);
    expect(left).toBeGreaterThanOrEqual(RERUN_RESERVE_MS - 1_000);
  });
});

describe('consumerHandler: an event that can never be processed is dead-lettered', () => {
  const invalid: [string, () => Record<string, unknown>, string][] = [
    ['an envelope without an id', () => ({ ...asJson(anOrderCreatedEvent()), id: undefined }), 'Invalid event envelope'],
    ['an envelope with an unknown field', () => ({ ...asJson(anOrderCreatedEvent()), extra: 1 }), 'Invalid event envelope'],
    ['data that breaks its contract', () => ({ ...asJson(anOrderCreatedEvent()), data: { orderId: 'o-1' } }), 'Invalid data for "order.created"'],
    ['an unknown event type', () => ({ ...asJson(anOrderCreatedEvent()), type: 'order.exploded' }), 'Unknown event type "order.exploded"'],
    ['a type sent by a service that does not own it', () => ({ ...asJson(anOrderCreatedEvent()), source: 'saga.payments' }), 'Event type "order.created" is owned by saga.orders, not saga.payments'],
    ['an unsupported schema version', () => ({ ...asJson(anOrderCreatedEvent()), version: 2 }), 'Unsupported version 2 of "order.created"'],
    ['a valid event of a type this consumer does not accept', () => asJson(anInventoryReservedEvent()), `${CONSUMER} does not accept "inventory.reserved"`],
  ];

  it.each(invalid)('dead-letters %s with the reason, without calling the handler', async (_name, detail, reason) => {
    // Prepare
    const { consumer, handle, commit, put } = aConsumer();
    const delivery = anEventBridgeEvent(detail());

    // Act
    const outcome = await invokeConsumer(consumer, delivery);

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(put).toHaveBeenCalledTimes(1);
    const [letter] = put.mock.calls[0]!;
    expect(letter.consumer).toBe(CONSUMER);
    expect(letter.reason).toBe(reason);
    expect(letter.event).toEqual(delivery);
    expect(Array.isArray(letter.details) && letter.details.length).toBeGreaterThan(0);
    expect(handle).not.toHaveBeenCalled();
    expect(commit).not.toHaveBeenCalled();
  });

  it('files a dead letter under the order its envelope names, and under nothing when that is not an id', async () => {
    // Prepare
    const { consumer, put } = aConsumer();
    const envelope = asJson(anOrderCreatedEvent());
    const named = anEventBridgeEvent({ ...envelope, version: 2 });
    const hostile = anEventBridgeEvent({ ...envelope, version: 2, aggregateId: 'x'.repeat(2000), id: { $ne: 1 } });

    // Act
    await invokeConsumer(consumer, named);
    await invokeConsumer(consumer, hostile);

    // Assess
    expect(put.mock.calls[0]![0]).toMatchObject({ aggregateId: envelope.aggregateId, eventId: envelope.id, eventType: 'order.created' });
    expect(put.mock.calls[1]![0]).not.toHaveProperty('aggregateId');
    expect(put.mock.calls[1]![0]).not.toHaveProperty('eventId');
  });

  it('dead-letters an event with no detail at all', async () => {
    // Prepare
    const { consumer, handle, put } = aConsumer();
    const delivery = { ...anEventBridgeEvent(anOrderCreatedEvent()), detail: undefined };

    // Act
    const outcome = await invokeConsumer(consumer, delivery);

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(put).toHaveBeenCalledWith(expect.objectContaining({ consumer: CONSUMER, reason: 'Invalid event envelope' }));
    expect(handle).not.toHaveBeenCalled();
  });

  it('fails the invocation (so the event is retried, not lost) when the dead letter cannot be stored', async () => {
    // Prepare
    const { consumer, handle, put } = aConsumer();
    put.mockRejectedValueOnce(new Error('dead-letter table unavailable'));
    const delivery = anEventBridgeEvent({ ...asJson(anOrderCreatedEvent()), id: 'not-a-uuid' });

    // Act
    const error = await expectToReject(() => invokeConsumer(consumer, delivery), Error);

    // Assess
    expect(error.message).toBe('dead-letter table unavailable');
    expect(handle).not.toHaveBeenCalled();
  });
});

describe('consumerHandler: provenance, checked before idempotency', () => {
  const forged: [string, () => ReturnType<typeof anEventBridgeEvent>, RegExp, string[]][] = [
    [
      'a bus source other than the envelope’s',
      () => anEventBridgeEvent(anOrderCreatedEvent(), { source: 'saga.inventory' }),
      /bus source "saga.inventory" is not the envelope's saga.orders/,
      ['source'],
    ],
    [
      'a bus detail-type other than the envelope’s type',
      () => anEventBridgeEvent(anOrderCreatedEvent(), { 'detail-type': 'order.cancelled' }),
      /bus detail-type "order.cancelled" is not the envelope's order.created/,
      ['type'],
    ],
    [
      'an aggregateId other than data.orderId',
      () => anEventBridgeEvent(anOrderCreatedEvent({ aggregateId: 'order-a', data: { orderId: 'order-b' } })),
      /aggregateId order-a is not data.orderId order-b/,
      ['aggregateId'],
    ],
    [
      'an envelope carried with neither its own source nor type',
      () => anEventBridgeEvent(anOrderCreatedEvent(), { source: 'saga.payments', 'detail-type': 'payment.succeeded' }),
      /^Provenance check failed for "order.created"/,
      ['source', 'type'],
    ],
  ];

  it.each(forged)('dead-letters %s with the reason, changing nothing', async (_name, delivery, reason, paths) => {
    // Prepare
    const { consumer, handle, commit, put } = aConsumer();
    const event = delivery();

    // Act
    const outcome = await invokeConsumer(consumer, event);

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(put).toHaveBeenCalledTimes(1);
    const [letter] = put.mock.calls[0]!;
    expect(letter).toMatchObject({ consumer: CONSUMER, event });
    expect(letter.reason).toMatch(reason);
    expect((letter.details as { path: string }[]).map((d) => d.path)).toEqual(paths);
    expect(handle).not.toHaveBeenCalled();
    expect(commit).not.toHaveBeenCalled();
  });

  it('dead-letters a payment.succeeded smuggled inside an inventory.reserved delivery to a consumer of both', async () => {
    // Prepare: advanceSaga's subscription; the bus event is inventory's, the envelope a payment for an order of someone without funds.
    const fakes = aFakeConsumerDeps();
    const handle = jest.fn(async (_envelope: unknown, commitUnit: (unit: UnitOfWork) => Promise<void>) => commitUnit({ writes: [], events: [] }));
    const consumer = consumerHandler({ consumer: 'advanceSaga', accepts: ['inventory.reserved', 'payment.succeeded'] as const, parse: parseEnvelope, idField: 'orderId' }, fakes.deps, handle);
    const payment = anEventAbout('payment.succeeded', { orderId: 'order-of-customer-no-funds', customerId: 'customer-no-funds', amount: 999_900 });
    const smuggled = anEventBridgeEvent(payment, { source: 'saga.inventory', 'detail-type': 'inventory.reserved' });

    // Act
    const outcome = await invokeConsumer(consumer, smuggled);

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(fakes.put).toHaveBeenCalledWith(expect.objectContaining({ consumer: 'advanceSaga', reason: expect.stringMatching(/^Provenance check failed for "payment.succeeded"/) }));
    expect(handle).not.toHaveBeenCalled();
    expect(fakes.commit).not.toHaveBeenCalled();
  });
});

describe('consumerHandler: duplicates', () => {
  it('answers a command it already applied again (onDuplicate), and only then', async () => {
    // Prepare
    const fakes = aFakeConsumerDeps();
    const onDuplicate = jest.fn(async () => 1);
    const consumer = consumerHandler({ consumer: CONSUMER, accepts: ['order.created'] as const, parse: parseEnvelope, idField: 'orderId' }, { ...fakes.deps, onDuplicate }, async (_e, commit) => commit(aUnitOfWork()));
    const envelope = anOrderCreatedEvent();
    fakes.commit.mockResolvedValueOnce(undefined).mockRejectedValueOnce(new DuplicateEventError(CONSUMER, envelope.id));

    // Act
    const first = await invokeConsumer(consumer, anEventBridgeEvent(envelope));
    const again = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(first.status).toBe('processed');
    expect(again).toEqual({ status: 'duplicate', eventId: envelope.id });
    expect(onDuplicate).toHaveBeenCalledTimes(1);
    expect(onDuplicate).toHaveBeenCalledWith(envelope);
  });

  it('still answers duplicate when answering again fails (the next re-drive tries again)', async () => {
    // Prepare
    const fakes = aFakeConsumerDeps();
    const onDuplicate = jest.fn(async () => {
      throw new Error('outbox throttled');
    });
    const consumer = consumerHandler({ consumer: CONSUMER, accepts: ['order.created'] as const, parse: parseEnvelope, idField: 'orderId' }, { ...fakes.deps, onDuplicate }, async (_e, commit) => commit(aUnitOfWork()));
    const envelope = anOrderCreatedEvent();
    fakes.commit.mockRejectedValueOnce(new DuplicateEventError(CONSUMER, envelope.id));

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', eventId: envelope.id });
    expect(onDuplicate).toHaveBeenCalledTimes(1);
  });

  it('answers duplicate when the atomic marker write says the event was processed meanwhile', async () => {
    // Prepare: the early read saw nothing; a concurrent delivery committed first.
    const { consumer, handle, commit, countDuplicate } = aConsumer();
    const envelope = anOrderCreatedEvent();
    commit.mockRejectedValueOnce(new DuplicateEventError(CONSUMER, envelope.id));

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', eventId: envelope.id });
    expect(handle).toHaveBeenCalledTimes(1);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(countDuplicate).toHaveBeenCalledWith({ consumer: CONSUMER, eventId: envelope.id });
  });

  it('counts nothing on a first delivery', async () => {
    // Prepare
    const { consumer, countDuplicate } = aConsumer();

    // Act
    await invokeConsumer(consumer, anEventBridgeEvent(anOrderCreatedEvent()));

    // Assess
    expect(countDuplicate).not.toHaveBeenCalled();
  });

  it('still answers duplicate when the counter cannot be written', async () => {
    // Prepare
    const { consumer, commit, countDuplicate } = aConsumer();
    const envelope = anOrderCreatedEvent();
    commit.mockRejectedValueOnce(new DuplicateEventError(CONSUMER, envelope.id));
    countDuplicate.mockRejectedValueOnce(new Error('inbox throttled'));

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', eventId: envelope.id });
  });

  it('answers duplicate even when the handler lets the DuplicateEventError through a catch of its own', async () => {
    // Prepare: a handler that retries its commit on a business error, as reserveStock does.
    const { consumer, commit } = aConsumer(async (_envelope, commitUnit) => {
      try {
        await commitUnit(aUnitOfWork());
      } catch (error) {
        if (error instanceof DuplicateEventError) throw error;
        await commitUnit(aUnitOfWork());
      }
    });
    const envelope = anOrderCreatedEvent();
    commit.mockRejectedValueOnce(new DuplicateEventError(CONSUMER, envelope.id));

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', eventId: envelope.id });
    expect(commit).toHaveBeenCalledTimes(1);
  });
});

describe('consumerHandler: failures make the invocation fail, so the platform retries', () => {
  it('refuses a handler that returns without committing its unit of work', async () => {
    // Prepare
    const { consumer, commit } = aConsumer(async () => undefined);

    // Act
    const error = await expectToReject(() => invokeConsumer(consumer, anEventBridgeEvent(anOrderCreatedEvent())), Error);

    // Assess
    expect(error.message).toBe(`${CONSUMER} returned without committing its unit of work`);
    expect(commit).not.toHaveBeenCalled();
  });

  it('propagates any other error from the commit', async () => {
    // Prepare
    const { consumer, commit, put } = aConsumer();
    const failure = Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    commit.mockRejectedValueOnce(failure);

    // Act
    const error = await expectToReject(() => invokeConsumer(consumer, anEventBridgeEvent(anOrderCreatedEvent())), Error);

    // Assess
    expect(error).toBe(failure);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(put).not.toHaveBeenCalled();
  });

  it('propagates an error thrown by the handler before it commits, and dead-letters nothing', async () => {
    // Prepare
    const boom = new Error('products table throttled');
    const { consumer, commit, put } = aConsumer(async () => {
      throw boom;
    });

    // Act
    const error = await expectToReject(() => invokeConsumer(consumer, anEventBridgeEvent(anOrderCreatedEvent())), Error);

    // Assess
    expect(error).toBe(boom);
    expect(commit).not.toHaveBeenCalled();
    expect(put).not.toHaveBeenCalled();
  });

  it('processes the redelivery of an event whose first commit failed', async () => {
    // Prepare
    const { consumer, commit } = aConsumer();
    commit.mockRejectedValueOnce(new Error('network reset'));
    const envelope = anOrderCreatedEvent();
    await expectToReject(() => invokeConsumer(consumer, anEventBridgeEvent(envelope)), Error);

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(envelope));

    // Assess
    expect(outcome).toEqual({ status: 'processed', eventId: envelope.id });
    expect(commit).toHaveBeenCalledTimes(2);
  });
});

describe('consumerHandler: metrics of a dead-lettered event', () => {
  it('are flushed even though the invocation ends early', async () => {
    // Prepare
    const { metrics } = await import('../../../lib/platform/observability');
    const publish = jest.spyOn(metrics, 'publishStoredMetrics');
    const { consumer } = aConsumer();
    const poison = { ...asJson(anOrderCreatedEvent()), type: 'no.such.type' };

    // Act
    const outcome = await invokeConsumer(consumer, anEventBridgeEvent(poison as never));

    // Assess
    expect(outcome).toEqual({ status: 'dead-lettered' });
    expect(publish).toHaveBeenCalled();
    publish.mockRestore();
  });
});
