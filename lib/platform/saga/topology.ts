import { contracts, sources, type EventSource, type EventType } from '../../services/contracts';

/**
 * Who consumes what: the one declaration of every consumer's subscription. The consumer middleware
 * accepts exactly these types (anything else is dead-lettered), and the EventBridge rules of each
 * function in `serverless.yml` must deliver exactly these types from their owners:
 * `tests/integration/packaged-template.test.ts` compares the packaged template with `rulePatterns`.
 */
export const subscriptions = {
  reserveStock: ['order.created'],
  releaseStock: ['order.cancelled'],
  chargePayment: ['inventory.reserved'],
  refundPayment: ['order.cancelled'],
  advanceSaga: ['inventory.reserved', 'inventory.reservation.failed', 'inventory.released', 'payment.succeeded', 'payment.failed', 'payment.refunded'],
  awardPoints: ['order.confirmed'],
} as const satisfies Record<string, readonly EventType[]>;

export type ConsumerName = keyof typeof subscriptions;
export const consumerNames = Object.keys(subscriptions) as ConsumerName[];

/** The services of the system: the three that own events, and rewards, which only consumes. */
export type ServiceName = keyof typeof sources | 'rewards';

/**
 * The service each consumer belongs to, and so the inbox its processed-event markers live in
 * (`<Service>InboxTable`, checked against each function's INBOX_TABLE by
 * tests/integration/subscriptions.test.ts).
 */
export const consumerServices = {
  reserveStock: 'inventory',
  releaseStock: 'inventory',
  chargePayment: 'payments',
  refundPayment: 'payments',
  advanceSaga: 'orders',
  awardPoints: 'rewards',
} as const satisfies Record<ConsumerName, ServiceName>;

/** Every consumer that must process an event of `type`, in declaration order. */
export const consumersOf = (type: string): ConsumerName[] => consumerNames.filter((c) => (subscriptions[c] as readonly string[]).includes(type));

/** The service that owns a source (`saga.orders` → `orders`), undefined for a source nobody owns. */
export const serviceOfSource = (source: string): keyof typeof sources | undefined =>
  (Object.keys(sources) as (keyof typeof sources)[]).find((service) => sources[service] === source);
export type SubscribedType<C extends ConsumerName> = (typeof subscriptions)[C][number];

export interface Subscription<T extends EventType> {
  consumer: string;
  accepts: readonly T[];
}

/** A consumer's name and the types it accepts, as the consumer middleware takes them. */
export const subscriptionOf = <C extends ConsumerName>(consumer: C): Subscription<SubscribedType<C>> => ({
  consumer,
  accepts: subscriptions[consumer],
});

export interface RulePattern {
  source: EventSource[];
  'detail-type': EventType[];
}

/**
 * The EventBridge patterns that deliver exactly a consumer's subscription: one per owning source,
 * each matching `source` AND `detail-type`, so an event is accepted only from the service that owns it.
 */
export const rulePatterns = (consumer: ConsumerName): RulePattern[] => {
  const bySource = new Map<EventSource, EventType[]>();
  for (const type of subscriptions[consumer] as readonly EventType[]) {
    const owner = contracts[type].source;
    bySource.set(owner, [...(bySource.get(owner) ?? []), type]);
  }
  return [...bySource].map(([source, types]) => ({ source: [source], 'detail-type': types }));
};
