/**
 * The committed contracts (contracts/) are exactly what the code generates, and they say what the
 * code enforces: real events validate against their event schema, broken ones do not; the OpenAPI
 * document accepts what the API answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { contractFiles, eventSchema, toDraft04 } from '../../lib/services/contract-files';
import { eventTypes, type EventType } from '../../lib/services/contracts';
import { placeOrder } from '../../lib/services/orders/domain/order';
import { newSagaState } from '../../lib/platform/saga/state';
import { A_FIXED_NOW, anEventBridgeEvent, anInventoryReservedEvent, anOrderCreatedEvent, aPlaceOrderBody, asJson } from '../steps/given';
import { matchPath, openApiViolations } from '../steps/openapi';

const ROOT = path.resolve(__dirname, '..', '..');
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

const committed = (dir = path.join(ROOT, 'contracts')): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? committed(path.join(dir, e.name)) : [path.relative(path.join(ROOT, 'contracts'), path.join(dir, e.name))]));

describe('generated contracts', () => {
  it('are committed exactly as the code generates them (run `npm run contracts` after changing a contract)', () => {
    // Act
    const generated = contractFiles(version);

    // Assess
    expect(committed().sort()).toEqual(Object.keys(generated).sort());
    for (const [file, content] of Object.entries(generated)) {
      expect({ file, content: fs.readFileSync(path.join(ROOT, 'contracts', file), 'utf8') }).toEqual({ file, content });
    }
  });

  it('rewrites draft-07 keywords the schema registry (draft-04) does not know', () => {
    // Act
    const converted = toDraft04({ properties: { a: { const: 'x' }, n: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 9 } } });

    // Assess
    expect(converted).toEqual({ properties: { a: { enum: ['x'] }, n: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true } } });
    expect(JSON.stringify(eventTypes.map(eventSchema))).not.toMatch(/"const"|"exclusiveMinimum":\d/);
  });
});

describe('event schemas (JSON Schema draft-04)', () => {
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validatorOf = (type: EventType) => ajv.compile(eventSchema(type));

  it('accept events as the outbox relay puts them on the bus', () => {
    // Prepare
    const created = anOrderCreatedEvent();
    const reserved = anInventoryReservedEvent();

    // Act
    const results = [validatorOf('order.created')(anEventBridgeEvent(created)), validatorOf('inventory.reserved')(anEventBridgeEvent(reserved))];

    // Assess
    expect(results).toEqual([true, true]);
  });

  it.each([
    ['another type in detail', () => anEventBridgeEvent(anInventoryReservedEvent()), 'order.created'],
    ['an unknown schema version', () => anEventBridgeEvent({ ...asJson(anOrderCreatedEvent()), version: 2 }), 'order.created'],
    ['data that breaks its contract', () => anEventBridgeEvent({ ...asJson(anOrderCreatedEvent()), data: { orderId: 'o' } }), 'order.created'],
    ['an unknown envelope field', () => anEventBridgeEvent({ ...asJson(anOrderCreatedEvent()), extra: 1 }), 'order.created'],
    ['a sequence of 0', () => anEventBridgeEvent({ ...asJson(anOrderCreatedEvent()), sequence: 0 }), 'order.created'],
  ] as const)('refuse %s', (_case, event, type) => {
    // Act
    const valid = validatorOf(type)(event());

    // Assess
    expect(valid).toBe(false);
  });
});

describe('OpenAPI document', () => {
  const { result } = placeOrder(aPlaceOrderBody(), { now: A_FIXED_NOW, sagaTimeoutSeconds: 300 });

  it('accepts the order and saga state the API returns, and its error shape', () => {
    // Act
    const violations = [
      ...openApiViolations('POST', '/orders', 201, JSON.parse(JSON.stringify(result.order))),
      ...openApiViolations('GET', `/orders/${result.order.orderId}`, 200, { ...result.order, status: 'CONFIRMED', amount: 5000 }),
      ...openApiViolations('GET', `/orders/${result.order.orderId}/saga`, 200, newSagaState({ sagaId: 's', orderId: 'o', now: A_FIXED_NOW, deadline: A_FIXED_NOW.toISOString(), eventId: 'e' })),
      ...openApiViolations('POST', '/orders', 400, { error: 'ValidationError', message: 'Invalid order', details: [{ path: 'items', message: 'is required' }] }),
    ];

    // Assess
    expect(violations).toEqual([]);
  });

  it('finds what does not conform: an unknown field, a wrong type, an undocumented status or path', () => {
    // Act
    const violations = [
      openApiViolations('GET', '/orders/o-1', 200, { ...result.order, surprise: true }),
      openApiViolations('GET', '/orders/o-1', 200, { ...result.order, version: '1' }),
      openApiViolations('GET', '/orders/o-1', 418, {}),
      openApiViolations('DELETE', '/orders/o-1', 200, {}),
      openApiViolations('GET', '/customers', 200, {}),
    ];

    // Assess
    expect(violations.map((v) => v.length > 0)).toEqual([true, true, true, true, true]);
  });

  it('matches concrete paths to their templates', () => {
    // Assess
    expect(matchPath(['/orders', '/orders/{orderId}', '/orders/{orderId}/saga'], '/orders/abc/saga')).toBe('/orders/{orderId}/saga');
    expect(matchPath(['/orders', '/orders/{orderId}'], '/orders/abc/def')).toBeUndefined();
  });
});
