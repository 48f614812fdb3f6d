/**
 * The saga's topology: what the platform derives from a declaration, and the declarations it
 * refuses. A throw-away fifth participant (gift wrapping, between payment and shipping) shows that
 * adding one to the declaration is enough for every derived list.
 */
import { z } from 'zod';
import type { SagaDeclaration } from '../../../lib/platform/saga/declaration';
import { sagaTopology, SagaDeclarationError } from '../../../lib/platform/saga/topology';
import { saga, topology } from '../../../lib/services/saga';
import { expectToThrow } from '../../steps/then';
import { invariants } from '../../../lib/services/verify';
import type { ServiceInvariants } from '../../../lib/platform/saga/invariants';
/* eslint-disable @typescript-eslint/no-require-imports */
const { functionsFor } = require('../../../resources/functions') as { functionsFor: (t: unknown, custom: object) => Record<string, FunctionDef> };
const { alarmsFor } = require('../../../resources/service-alarms') as { alarmsFor: (t: unknown, o: object) => Record<string, { Properties: Record<string, unknown> }> };
const { invariantsChecker, MissingInvariantsError } = require('../../../local/harness/verify/checks') as {
  invariantsChecker: (o: { topology: unknown; invariants: Record<string, ServiceInvariants> }) => unknown;
  MissingInvariantsError: new (...args: never[]) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface FunctionDef {
  handler: string;
  environment: Record<string, unknown>;
  iamRoleStatements: { Action: string | string[]; Resource: unknown }[];
  events?: { eventBridge?: { pattern: unknown }; stream?: unknown; schedule?: string }[];
}

type Mutable = { -readonly [K in keyof SagaDeclaration]: SagaDeclaration[K] } & Record<string, unknown>;
const copy = (): Mutable => JSON.parse(JSON.stringify({ ...saga, contracts: {} })) as Mutable;
/** The example's declaration (a deep copy; contracts kept as they are, zod schemas do not copy). */
const aDeclaration = (): Mutable => ({ ...copy(), contracts: { ...saga.contracts } });

const withGiftWrapping = (): Mutable => {
  const d = aDeclaration();
  const data = z.object({ orderId: z.string(), customerId: z.string(), amount: z.number() }).strict();
  d.services = { ...d.services, wrapping: { source: 'saga.wrapping', tables: { WRAPS_TABLE: 'WrapsTable' } } };
  d.contracts = {
    ...d.contracts,
    'wrap.done': { source: 'saga.wrapping', version: 1, data },
    'wrap.failed': { source: 'saga.wrapping', version: 1, data },
    'wrap.undone': { source: 'saga.wrapping', version: 1, data },
  };
  const consumers = d.consumers as unknown as Record<string, { service: string; on: string[]; access: Record<string, string[]>; repeatsReplies?: boolean }>;
  consumers.wrapGift = { service: 'wrapping', on: ['payment.succeeded'], access: { WrapsTable: ['GetItem', 'PutItem'] } };
  consumers.unwrapGift = { service: 'wrapping', on: ['order.cancelled'], access: { WrapsTable: ['GetItem', 'PutItem'] }, repeatsReplies: true };
  consumers.advanceSaga!.on.push('wrap.done', 'wrap.failed', 'wrap.undone');
  consumers.scheduleShipment!.on = ['order.created', 'wrap.done'];
  const steps = [...d.steps] as SagaDeclaration['steps'][number][];
  steps.splice(2, 0, {
    name: 'giftWrapping',
    by: 'wrapGift',
    succeeded: 'wrap.done',
    failed: 'wrap.failed',
    reached: 'GIFT_WRAPPED',
    failure: 'Gift wrapping failed',
    compensation: { name: 'giftUnwrapping', by: 'unwrapGift', answer: 'wrap.undone' },
  });
  d.steps = steps;
  return d;
};

describe('the saga topology', () => {
  it('derives the example saga: step names, current steps, compensations, services with an outbox and an inbox', () => {
    // Assess
    expect(topology.stepNames).toEqual(['created', 'inventoryReservation', 'paymentProcessing', 'shipmentBooking', 'confirmation', 'cancellation', 'inventoryRelease', 'paymentRefund', 'shipmentCancellation', 'timeout']);
    expect(topology.currentSteps).toEqual(['CREATED', 'INVENTORY_RESERVED', 'PAYMENT_PROCESSED', 'SHIPMENT_SCHEDULED', 'CONFIRMED', 'CANCELLED']);
    expect(topology.compensationConsumers).toEqual(['releaseStock', 'refundPayment', 'cancelShipment']);
    expect(topology.emitters).toEqual(['orders', 'inventory', 'payments', 'shipping']);
    expect(topology.receivers).toEqual(['orders', 'inventory', 'payments', 'shipping', 'rewards']);
    expect(topology.deliveryConsumers).toEqual(['awardPoints']);
    expect(topology.plumbingOf('awardPoints')).toEqual({ emits: false, repeatsReplies: false });
    expect(topology.plumbingOf('cancelShipment')).toEqual({ emits: true, repeatsReplies: true });
  });

  it('delivers each subscription from the owner of each type only', () => {
    // Assess
    expect(topology.rulePatterns('scheduleShipment')).toEqual([
      { source: ['saga.orders'], 'detail-type': ['order.created'] },
      { source: ['saga.payments'], 'detail-type': ['payment.succeeded'] },
    ]);
  });

  it('says what each event means to the keeper: only the last step’s success confirms', () => {
    // Assess
    expect(topology.stepEventOf('payment.succeeded')).toMatchObject({ kind: 'succeeded', last: false, step: { name: 'paymentProcessing' } });
    expect(topology.stepEventOf('shipment.scheduled')).toMatchObject({ kind: 'succeeded', last: true });
    expect(topology.stepEventOf('shipment.failed')).toMatchObject({ kind: 'failed', step: { failure: 'Shipment failed' } });
    expect(topology.stepEventOf('shipment.cancelled')).toMatchObject({ kind: 'compensated', compensation: { name: 'shipmentCancellation' } });
    expect(topology.stepEventOf('order.created')).toBeUndefined();
  });

  it('takes a fifth participant from the declaration alone: its steps, compensation, outbox, inbox and rules', () => {
    // Act
    const derived = sagaTopology(withGiftWrapping() as SagaDeclaration);

    // Assess
    expect(derived.stepNames).toEqual(expect.arrayContaining(['giftWrapping', 'giftUnwrapping']));
    expect(derived.currentSteps).toContain('GIFT_WRAPPED');
    expect(derived.compensationSteps).toEqual(['inventoryRelease', 'paymentRefund', 'giftUnwrapping', 'shipmentCancellation']);
    expect(derived.emitters).toContain('wrapping');
    expect(derived.consumersIn('wrapping')).toEqual(['wrapGift', 'unwrapGift']);
    expect(derived.rulePatterns('unwrapGift')).toEqual([{ source: ['saga.orders'], 'detail-type': ['order.cancelled'] }]);
    expect(derived.consumersOf('order.cancelled')).toEqual(['releaseStock', 'refundPayment', 'cancelShipment', 'unwrapGift']);
    expect(derived.stepEventOf('wrap.failed')).toMatchObject({ kind: 'failed', step: { failure: 'Gift wrapping failed' } });
  });

  it('refuses a declaration that does not hold together, naming every problem', () => {
    // Prepare: the keeper no longer hears the new answer, a step's consumer misses its trigger, and
    // a consumer reaches into another service's table.
    const d = withGiftWrapping();
    const consumers = d.consumers as unknown as Record<string, { on: string[]; access: Record<string, string[]> }>;
    consumers.advanceSaga!.on = consumers.advanceSaga!.on.filter((t) => t !== 'wrap.undone');
    consumers.wrapGift!.on = ['inventory.reserved'];
    consumers.wrapGift!.access = { AccountsTable: ['GetItem'] };

    // Act
    const error = expectToThrow(() => sagaTopology(d as SagaDeclaration), SagaDeclarationError);

    // Assess
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'advanceSaga must subscribe to wrap.undone (the keeper records giftUnwrapping)',
        'wrapGift must subscribe to payment.succeeded (step giftWrapping follows it)',
        'wrapGift accesses AccountsTable, which is not a table of wrapping',
      ]),
    );
  });

  describe('a fifth participant, declared only', () => {
    const fifth = () => sagaTopology(withGiftWrapping() as SagaDeclaration);

    it('gets its consumers with their rules and roles, and its forwarder and sweeper, in the generated functions', () => {
      // Act
      const functions = functionsFor(fifth(), { consumer: { maximumRetryAttempts: 2 }, ruleDelivery: { eventBus: 'bus' }, outboxStream: { type: 'dynamodb' } });

      // Assess
      expect(Object.keys(functions)).toEqual(expect.arrayContaining(['wrapGift', 'unwrapGift', 'wrappingOutboxForwarder', 'wrappingOutboxSweeper']));
      expect(functions.wrapGift).toMatchObject({ handler: 'functions/wrapping/wrap-gift.handler', environment: { WRAPS_TABLE: { Ref: 'WrapsTable' }, OUTBOX_TABLE: { Ref: 'WrappingOutboxTable' }, INBOX_TABLE: { Ref: 'WrappingInboxTable' } } });
      expect(functions.wrapGift!.events).toEqual([{ eventBridge: { eventBus: 'bus', pattern: { source: ['saga.payments'], 'detail-type': ['payment.succeeded'] } } }]);
      const grants = functions.unwrapGift!.iamRoleStatements.flatMap((st) => [st.Action].flat().map((a) => `${a} ${JSON.stringify(st.Resource)}`));
      expect(grants).toEqual(expect.arrayContaining(['dynamodb:GetItem [{"Fn::GetAtt":["WrapsTable","Arn"]}]', 'dynamodb:UpdateItem [{"Fn::GetAtt":["WrappingOutboxTable","Arn"]}]']));
      expect(functions.replayEvents!.environment).toHaveProperty('WRAPPING_OUTBOX_TABLE', { Ref: 'WrappingOutboxTable' });
      expect(functions.describeSaga!.environment).toHaveProperty('WRAPPING_INBOX_TABLE', { Ref: 'WrappingInboxTable' });
    });

    it('gets its outbox (with its stream) and its inbox among the generated tables', () => {
      // Act
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { tablesFor } = require('../../../resources/service-tables') as { tablesFor: (t: unknown, o: object) => Record<string, { Properties: Record<string, unknown> }> };
      const tables = tablesFor(fifth(), { prefix: 'p' });

      // Assess
      expect(tables.WrappingOutboxTable!.Properties).toMatchObject({ TableName: 'p-wrapping-outbox', StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
      expect(tables.WrappingInboxTable!.Properties).toMatchObject({ TableName: 'p-wrapping-inbox' });
      expect(tables).not.toHaveProperty('RewardsOutboxTable');
    });

    it('gets its outbox alarms, and its functions in the error and dead-letter alarms', () => {
      // Act
      const alarms = alarmsFor(fifth(), { prefix: 'p', namespace: 'n', thresholds: {} });

      // Assess
      expect(Object.keys(alarms)).toEqual(expect.arrayContaining(['WrappingForwarderIteratorAgeAlarm', 'WrappingOutboxLagAlarm', 'WrappingOutboxUnpublishableAlarm']));
      expect(JSON.stringify(alarms.ConsumerErrorsAlarm)).toContain('p-wrapGift');
      expect(JSON.stringify(alarms.PipelineErrorsAlarm)).toContain('p-wrappingOutboxSweeper');
      expect(JSON.stringify(alarms.PoisonEventsAlarm)).toContain('"wrapping"');
    });

    it('is refused by npm run verify until it brings its invariants', () => {
      // Act
      const attempt = () => invariantsChecker({ topology: fifth(), invariants });

      // Assess
      expect(attempt).toThrow(MissingInvariantsError);
      expect(attempt).toThrow(/the service wrapping/);
      expect(() => invariantsChecker({ topology: fifth(), invariants: { ...invariants, wrapping: { tables: {}, effects: { wrapGift: () => true, unwrapGift: () => true } } } })).not.toThrow();
    });
  });
});

describe('the declaration and the code agree', () => {
  const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require('node:path') as typeof import('node:path');
  const ROOT = path.resolve(__dirname, '..', '..', '..');

  it.each(topology.consumerNames)('has the handler of %s where the generated function points (functions/<service>/<kebab-key>.ts)', (consumer) => {
    // Assess
    expect(fs.existsSync(path.join(ROOT, 'functions', topology.serviceOf(consumer), `${kebab(consumer)}.ts`))).toBe(true);
  });

  it('has no consumer handler the declaration does not know', () => {
    // Prepare: every handler that builds a consumer.
    const handlers = topology.serviceNames.flatMap((service) => {
      const dir = path.join(ROOT, 'functions', service);
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir)
        .filter((file) => fs.readFileSync(path.join(dir, file), 'utf8').includes('consumerHandler('))
        .map((file) => `${service}/${file.replace(/\.ts$/, '')}`);
    });

    // Assess
    expect(handlers.sort()).toEqual(topology.consumerNames.map((c) => `${topology.serviceOf(c)}/${kebab(c)}`).sort());
  });
});
