/**
 * The chaos run's forgeries and its mid-run contract change, on hand-made inputs: a forgery is
 * judged by the markers and dead letters it left, and the contract change rewrites exactly the
 * events it says, into a shape the contract still accepts.
 */
import { anEvent } from '../../steps/given';
import { parseEnvelope } from '../../../lib/services/contracts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { forgeries, checkForgeries } = require('../../../local/harness/chaos/forgeries') as {
  forgeries: { name: string; build: (o: { orderId: string; customerId: string }) => { envelope: { id: string }; source: string; detailType: string; deadLetteredBy: string[] } }[];
  checkForgeries: (
    injected: { id: string; name: string; deadLetteredBy: string[]; at: number }[],
    snapshot: { deadLetters: Record<string, unknown>[]; inboxes: Record<string, Record<string, unknown>[]> },
    mayBeLost: (at: number) => boolean,
  ) => { kind: string; ids: string[] }[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contractVersionTransform } = require('../../../local/harness/chaos/faults') as {
  contractVersionTransform: (opts: { random?: () => number; on: () => boolean; switched: () => boolean; lateShare?: number }) => (req: {
    target?: string;
    json?: { Entries: { DetailType: string; Detail: string }[] };
  }) => { kind: string; count: number; json: { Entries: { DetailType: string; Detail: string }[] } } | undefined;
};

const ORDER = { orderId: '0b0d3c1e-3a57-4f5e-9d8c-1e2f3a4b5c6d', customerId: 'customer-1' };

describe('chaos forgeries', () => {
  const injected = forgeries.map((f) => {
    const built = f.build(ORDER);
    return { id: built.envelope.id, name: f.name, deadLetteredBy: built.deadLetteredBy, at: 1_000 };
  });

  it('pass when every forgery was dead-lettered by each consumer it reached and none left a marker', () => {
    // Prepare
    const deadLetters = injected.flatMap((f) => f.deadLetteredBy.map((consumer) => ({ eventId: f.id, consumer })));

    // Act
    const violations = checkForgeries(injected, { deadLetters, inboxes: { orders: [], inventory: [] } }, () => false);

    // Assess
    expect(violations).toEqual([]);
  });

  it('name a forgery that was acted on, and one a consumer did not set aside', () => {
    // Prepare: the smuggled payment was processed by advanceSaga; nothing was dead-lettered.
    const smuggled = injected.find((f) => f.deadLetteredBy.includes('chargePayment'))!;

    // Act
    const violations = checkForgeries(injected, { deadLetters: [], inboxes: { orders: [{ eventId: smuggled.id, consumer: 'advanceSaga' }] } }, () => false);

    // Assess
    expect(violations.filter((v) => v.kind === 'forged-event-acted-on')).toEqual([expect.objectContaining({ ids: [smuggled.id] })]);
    expect(violations.filter((v) => v.kind === 'forged-event-not-dead-lettered')).toHaveLength(injected.filter((f) => f.deadLetteredBy.length).length);
  });

  it('do not ask for the dead letters of a forgery that may have been lost with a killed bus, but still forbid its markers', () => {
    // Prepare
    const one = injected[0]!;

    // Act
    const violations = checkForgeries([one], { deadLetters: [], inboxes: { payments: [{ eventId: one.id, consumer: 'chargePayment' }] } }, () => true);

    // Assess
    expect(violations.map((v) => v.kind)).toEqual(['forged-event-acted-on']);
  });
});

describe('the mid-run contract change of inventory.reserved', () => {
  const reserved = anEvent(
    {
      type: 'inventory.reserved',
      aggregateId: ORDER.orderId,
      sequence: 2,
      correlationId: 'saga-1',
      causationId: null,
      data: { ...ORDER, items: [{ productId: 'p-1', quantity: 1, unitPrice: 100 }], amount: 100, deadline: new Date().toISOString() },
    },
    new Date(),
  );
  const other = anEvent({ type: 'payment.succeeded', aggregateId: ORDER.orderId, sequence: 1, correlationId: 'saga-1', causationId: null, data: { ...ORDER, amount: 100 } }, new Date());
  const request = {
    target: 'AWSEvents.PutEvents',
    json: { Entries: [reserved, other].map((e) => ({ DetailType: e.type, Detail: JSON.stringify(e) })) },
  };

  it('writes inventory.reserved as version 1 before the switch, which consumers still accept and upcast', () => {
    // Act
    const changed = contractVersionTransform({ on: () => true, switched: () => false })(request)!;

    // Assess
    expect(changed.count).toBe(1);
    const [old, untouched] = changed.json.Entries.map((e) => JSON.parse(e.Detail));
    expect(old).toMatchObject({ id: reserved.id, version: 1 });
    expect(old.data).not.toHaveProperty('deadline');
    expect(untouched).toEqual(JSON.parse(JSON.stringify(other)));
    expect(parseEnvelope(old)).toMatchObject({ id: reserved.id, type: 'inventory.reserved' });
  });

  it('leaves all but the late share alone after the switch', () => {
    // Act
    const after = contractVersionTransform({ random: () => 0.5, on: () => true, switched: () => true, lateShare: 0.05 })(request);
    const late = contractVersionTransform({ random: () => 0.01, on: () => true, switched: () => true, lateShare: 0.05 })(request);

    // Assess
    expect(after).toBeUndefined();
    expect(late?.count).toBe(1);
  });
});
