import { randomUUID } from 'node:crypto';
import { EventSchemaError } from '../../../lib/platform/errors';
import { contracts, eventTypes, knownVersions, sources, createEnvelope, parseEnvelope } from '../../../lib/services/contracts';
import { A_FIXED_NOW, anEvent, anInventoryReservedEvent, anOrderCreatedEvent, asJson } from '../../steps/given';
import { expectToThrow, expectUuid, pathsOf } from '../../steps/then';

describe('createEnvelope', () => {
  it('builds a valid envelope whose source and version come from the contract', () => {
    // Prepare
    const orderId = 'order-1';
    const sagaId = randomUUID();

    // Act
    const envelope = createEnvelope(
      {
        type: 'order.created',
        aggregateId: orderId,
        sequence: 1,
        correlationId: sagaId,
        causationId: null,
        data: { orderId, customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }], deadline: '2025-01-15T10:15:00.000Z' },
      },
      A_FIXED_NOW,
    );

    // Assess
    expectUuid(envelope.id);
    expect(envelope).toEqual({
      id: envelope.id,
      type: 'order.created',
      source: 'saga.orders',
      time: '2025-01-15T10:00:00.000Z',
      aggregateId: orderId,
      sequence: 1,
      correlationId: sagaId,
      causationId: null,
      version: contracts['order.created'].version,
      data: { orderId, customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }], deadline: '2025-01-15T10:15:00.000Z' },
    });
  });

  it('takes the source of each type from its owner', () => {
    // Prepare
    const event = {
      type: 'payment.succeeded' as const,
      aggregateId: 'order-1',
      sequence: 3,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      data: { orderId: 'order-1', customerId: 'customer-123', amount: 1999 },
    };

    // Act
    const envelope = createEnvelope(event);

    // Assess
    expect(envelope.source).toBe(sources.payments);
    expect(envelope.causationId).toBe(event.causationId);
    expect(Number.isNaN(Date.parse(envelope.time))).toBe(false);
    expect(new Date(envelope.time).toISOString()).toBe(envelope.time);
  });

  it('gives every envelope a fresh id', () => {
    // Prepare
    const count = 20;

    // Act
    const ids = Array.from({ length: count }, () => anOrderCreatedEvent().id);

    // Assess
    expect(new Set(ids).size).toBe(count);
  });

  it('refuses to build an envelope whose data breaks the contract', () => {
    // Prepare
    const data = { orderId: 'order-1', customerId: 'customer-123', items: [{ productId: 'product-1', quantity: -1 }], deadline: '2025-01-15T10:15:00.000Z' };

    // Act
    const error = expectToThrow(
      () => createEnvelope({ type: 'order.created', aggregateId: 'order-1', sequence: 1, correlationId: 'saga-1', causationId: null, data }),
      EventSchemaError,
    );

    // Assess
    expect(pathsOf(error)).toEqual(['data.items.0.quantity']);
  });
});

describe('parseEnvelope', () => {
  it('accepts a valid envelope and returns it unchanged', () => {
    // Prepare
    const envelope = anOrderCreatedEvent();

    // Act
    const parsed = parseEnvelope(asJson(envelope));

    // Assess
    expect(parsed).toEqual(envelope);
  });

  it('accepts a valid envelope of another owner', () => {
    // Prepare
    const envelope = anEvent({
      type: 'inventory.reserved',
      aggregateId: 'order-1',
      sequence: 2,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      data: { orderId: 'order-1', customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2, unitPrice: 500 }], amount: 1000 },
    });

    // Act
    const parsed = parseEnvelope(asJson(envelope));

    // Assess
    expect(parsed.source).toBe('saga.inventory');
    expect(parsed).toEqual(envelope);
  });

  it('rejects an unknown type', () => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), type: 'order.shipped' };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(error.message).toContain('order.shipped');
    expect(pathsOf(error)).toEqual(['type']);
  });

  it('rejects a forged source: a type published by a service that does not own it', () => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), source: sources.payments };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(error.message).toContain('saga.orders');
    expect(error.details).toEqual([{ path: 'source', message: 'expected saga.orders' }]);
  });

  it('rejects a version the contract does not describe', () => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), version: 2 };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(error.details).toEqual([{ path: 'version', message: 'expected 1' }]);
  });

  it.each(['id', 'type', 'source', 'time', 'aggregateId', 'sequence', 'correlationId', 'causationId', 'version', 'data'])(
    'rejects an envelope without %s',
    (field) => {
      // Prepare
      const input = asJson(anOrderCreatedEvent());
      delete input[field];

      // Act
      const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

      // Assess
      expect(pathsOf(error)).toContain(field === 'data' ? 'data' : field);
    },
  );

  it('rejects an envelope with a field it does not define', () => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), priority: 'high' };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toEqual(['(root)']);
    expect(error.details[0]!.message).toContain('priority');
  });

  it('rejects an id that is not a UUID', () => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), id: 'evt-1' };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toEqual(['id']);
  });

  it.each([
    ['a time without a timezone', { time: '2025-01-15T10:00:00' }, 'time'],
    ['a sequence of 0', { sequence: 0 }, 'sequence'],
    ['a fractional sequence', { sequence: 1.5 }, 'sequence'],
    ['an empty causationId', { causationId: '' }, 'causationId'],
  ])('rejects %s', (_name, patch, path) => {
    // Prepare
    const input = { ...asJson(anOrderCreatedEvent()), ...patch };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toEqual([path]);
  });

  it.each([
    ['a negative quantity', (d: Record<string, unknown>) => ({ ...d, items: [{ productId: 'product-1', quantity: -2 }] }), ['data.items.0.quantity']],
    ['a missing orderId', ({ orderId: _omitted, ...d }: Record<string, unknown>) => d, ['data.orderId']],
    ['no items', (d: Record<string, unknown>) => ({ ...d, items: [] }), ['data.items']],
    ['an extra data field', (d: Record<string, unknown>) => ({ ...d, coupon: 'FREE' }), ['data']],
    ['a deadline that is not a date', (d: Record<string, unknown>) => ({ ...d, deadline: 'tomorrow' }), ['data.deadline']],
  ])('rejects order.created data with %s', (_name, tamper, paths) => {
    // Prepare
    const valid = asJson(anOrderCreatedEvent());
    const input = { ...valid, data: tamper(valid.data as Record<string, unknown>) };

    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(error.message).toBe('Invalid data for "order.created"');
    expect(pathsOf(error)).toEqual(paths);
  });

  it.each([null, undefined, 'order.created', 42, []])('rejects %p as an envelope', (input) => {
    // Act
    const error = expectToThrow(() => parseEnvelope(input), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toEqual(['(root)']);
  });
});

describe('order.created contract: what inventory can reserve in one transaction', () => {
  const withItems = (items: { productId: string; quantity: number }[]) => ({ ...asJson(anOrderCreatedEvent()), data: { ...anOrderCreatedEvent().data, items } });

  it('rejects two lines for the same product', () => {
    // Act
    const error = expectToThrow(() => parseEnvelope(withItems([{ productId: 'p', quantity: 1 }, { productId: 'p', quantity: 2 }])), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toContain('data.items');
  });

  it('rejects more lines than one transaction can hold', () => {
    // Act
    const error = expectToThrow(() => parseEnvelope(withItems(Array.from({ length: 26 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })))), EventSchemaError);

    // Assess
    expect(pathsOf(error)).toContain('data.items');
  });
});

describe('versioned contracts: consumers accept every version they know', () => {
  const v1Reserved = () => {
    const v2 = anInventoryReservedEvent({ deadline: '2026-01-01T10:05:00.000Z' });
    const { deadline: _deadline, ...v1Data } = v2.data;
    return { v2, v1: { ...asJson(v2), version: 1, data: v1Data } };
  };

  it('lists the versions of each type, oldest first, the current one last', () => {
    // Act
    const versions = Object.fromEntries(eventTypes.map((t) => [t, knownVersions(t)]));

    // Assess
    expect(versions['inventory.reserved']).toEqual([1, 2]);
    expect(versions['order.created']).toEqual([1]);
    eventTypes.forEach((t) => expect(versions[t]!.at(-1)).toBe(contracts[t].version));
  });

  it('writes the current version', () => {
    // Act
    const event = anInventoryReservedEvent();

    // Assess
    expect(event.version).toBe(2);
  });

  it('upcasts version 1 of inventory.reserved to the current version: same id, data without a deadline', () => {
    // Prepare
    const { v1, v2 } = v1Reserved();

    // Act
    const parsed = parseEnvelope(v1);

    // Assess
    expect(parsed).toMatchObject({ id: v2.id, type: 'inventory.reserved', version: 2 });
    expect(parsed.data).toEqual({ ...v1.data });
    expect(parsed.data).not.toHaveProperty('deadline');
  });

  it('validates an older version against its own schema: version 1 with a deadline is not version 1', () => {
    // Prepare
    const { v1 } = v1Reserved();

    // Act
    const error = expectToThrow(() => parseEnvelope({ ...v1, data: { ...v1.data, deadline: '2026-01-01T10:05:00.000Z' } }), EventSchemaError);

    // Assess
    expect(error.message).toBe('Invalid data for "inventory.reserved" version 1');
  });

  it('rejects a version it does not know, naming the ones it does', () => {
    // Prepare
    const { v1 } = v1Reserved();

    // Act
    const error = expectToThrow(() => parseEnvelope({ ...v1, version: 3 }), EventSchemaError);

    // Assess
    expect(error.details).toEqual([{ path: 'version', message: 'expected 1 or 2' }]);
  });

  it('has a pure upcaster from inventory.reserved version 1: same input, equal fresh output, input untouched', () => {
    // Prepare
    const upcast = (contracts['inventory.reserved'].older[1].upcast as unknown) as (data: unknown) => unknown;
    const input = Object.freeze({ orderId: 'o-1', customerId: 'c-1', items: [{ productId: 'p', quantity: 1, unitPrice: 1 }], amount: 1 });

    // Act
    const once = upcast(input);
    const twice = upcast(input);

    // Assess
    expect(once).toEqual(twice);
    expect(once).toEqual(input);
    expect(once).not.toBe(input);
  });
});
