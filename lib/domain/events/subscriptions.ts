import { contracts, type EventSource, type EventType } from './contracts';

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
