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
});
