import { defineSaga } from '../platform/saga/declaration';
import { sagaTopology } from '../platform/saga/topology';
import * as inventory from './inventory/events';
import * as orders from './orders/events';
import * as payments from './payments/events';
import * as shipping from './shipping/events';

/**
 * The example's saga, declared once: its services and their tables, the events each owns (the
 * contracts), every consumer's subscription and the table access it needs, the forward steps with
 * the compensation of each, the events that end the saga and the deadline. The platform, the
 * deployment (serverless.yml is checked against it), the verifier, chaos and the bench all derive
 * what they need from it. Adding a participant starts here: docs/adding-a-participant.md.
 */
export const saga = defineSaga({
  aggregate: { name: 'order', idField: 'orderId' },
  services: {
    orders: { source: orders.source, tables: { ORDERS_TABLE: 'OrdersTable', SAGA_TABLE: 'SagaStateTable', IDEMPOTENCY_KEYS_TABLE: 'IdempotencyKeysTable' } },
    inventory: { source: inventory.source, tables: { PRODUCTS_TABLE: 'ProductsTable', RESERVATIONS_TABLE: 'ReservationsTable' } },
    payments: { source: payments.source, tables: { ACCOUNTS_TABLE: 'AccountsTable', PAYMENTS_TABLE: 'PaymentsTable' } },
    shipping: { source: shipping.source, tables: { SHIPMENTS_TABLE: 'ShipmentsTable' } },
    rewards: { tables: { REWARDS_TABLE: 'RewardsTable' } },
  },
  // The events each service owns, from its own events.ts (one contract per type: owner, version, schema).
  contracts: { ...orders.events, ...inventory.events, ...payments.events, ...shipping.events },
  consumers: {
    reserveStock: { service: 'inventory', on: ['order.created'], access: { ProductsTable: ['BatchGetItem', 'UpdateItem'], ReservationsTable: ['GetItem', 'PutItem'] } },
    releaseStock: { service: 'inventory', on: ['order.cancelled'], access: { ProductsTable: ['UpdateItem'], ReservationsTable: ['GetItem', 'PutItem'] }, repeatsReplies: true },
    chargePayment: { service: 'payments', on: ['inventory.reserved'], access: { AccountsTable: ['GetItem', 'UpdateItem'], PaymentsTable: ['GetItem', 'PutItem'] } },
    refundPayment: { service: 'payments', on: ['order.cancelled'], access: { AccountsTable: ['UpdateItem'], PaymentsTable: ['GetItem', 'PutItem'] }, repeatsReplies: true },
    advanceSaga: {
      service: 'orders',
      on: [
        'inventory.reserved',
        'inventory.reservation.failed',
        'inventory.released',
        'payment.succeeded',
        'payment.failed',
        'payment.refunded',
        'shipment.scheduled',
        'shipment.failed',
        'shipment.cancelled',
      ],
      access: { OrdersTable: ['GetItem', 'PutItem', 'ConditionCheckItem'], SagaStateTable: ['UpdateItem'] },
    },
    // The destination comes with order.created, the go-ahead with payment.succeeded: either may arrive first.
    scheduleShipment: { service: 'shipping', on: ['order.created', 'payment.succeeded'], access: { ShipmentsTable: ['GetItem', 'PutItem'] } },
    cancelShipment: { service: 'shipping', on: ['order.cancelled'], access: { ShipmentsTable: ['GetItem', 'PutItem'] }, repeatsReplies: true },
    awardPoints: { service: 'rewards', on: ['order.confirmed'], access: { RewardsTable: ['PutItem', 'UpdateItem'] } },
  },
  keeper: { service: 'orders', consumer: 'advanceSaga' },
  starts: 'order.created',
  steps: [
    {
      name: 'inventoryReservation',
      by: 'reserveStock',
      succeeded: 'inventory.reserved',
      failed: 'inventory.reservation.failed',
      reached: 'INVENTORY_RESERVED',
      failure: 'Inventory reservation failed',
      detail: ['amount'],
      compensation: { name: 'inventoryRelease', by: 'releaseStock', answer: 'inventory.released', detail: ['items'] },
    },
    {
      name: 'paymentProcessing',
      by: 'chargePayment',
      succeeded: 'payment.succeeded',
      failed: 'payment.failed',
      reached: 'PAYMENT_PROCESSED',
      failure: 'Payment failed',
      detail: ['amount'],
      compensation: { name: 'paymentRefund', by: 'refundPayment', answer: 'payment.refunded', detail: ['amount'] },
    },
    {
      name: 'shipmentBooking',
      by: 'scheduleShipment',
      succeeded: 'shipment.scheduled',
      failed: 'shipment.failed',
      reached: 'SHIPMENT_SCHEDULED',
      failure: 'Shipment failed',
      detail: ['country', 'carrier', 'shipmentId'],
      compensation: { name: 'shipmentCancellation', by: 'cancelShipment', answer: 'shipment.cancelled', detail: ['cancelled'] },
    },
  ],
  ends: { confirmed: 'order.confirmed', cancelled: 'order.cancelled' },
  deadlineSeconds: 300,
});

/** Everything derived from the declaration (throws at load if it does not hold together). */
export const topology = sagaTopology(saga);
export type ConsumerName = (typeof topology.consumerNames)[number];
export type ServiceName = (typeof topology.serviceNames)[number];
