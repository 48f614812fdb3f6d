import { addTo, type Item, type ServiceInvariants } from '../../platform/saga/invariants';
import { pointsFor } from './domain/points';

const awardsOf = (rewards: Item[]) => new Map(rewards.filter((r) => String(r.pk).startsWith('AWARD#')).map((r) => [r.orderId as string, r]));

/** Rewards' books: a confirmed order earns its points once, and only with the awardPoints marker. */
export const rewardsInvariants: ServiceInvariants = {
  tables: { rewards: 'rewards' },
  ended: ({ order, rows, hasMarker }, snapshot, add) => {
    const award = awardsOf(snapshot.rewards!).get(order.orderId);
    const { orderId } = order;
    if (order.status === 'CONFIRMED') {
      if (!award) add('confirmed-not-awarded', `CONFIRMED order ${orderId} has no points award`, [orderId]);
      else if (award.points !== pointsFor(order.amount)) add('awarded-wrong-points', `order ${orderId} awarded ${award.points} points for ${order.amount}`, [orderId]);
    } else if (award) add('cancelled-awarded', `CANCELLED order ${orderId} was awarded points`, [orderId]);
    if (award) {
      const confirmed = rows.find((r) => r.row.type === 'order.confirmed');
      if (!confirmed || !hasMarker('awardPoints', confirmed.row.id)) add('effect-without-marker', `points for ${orderId} without an awardPoints marker`, [orderId]);
    }
  },
  // The running total, over its shards, is what the ledger of awards adds up to, per customer.
  books: (snapshot, add) => {
    const awarded = new Map<string, number>();
    const totals = new Map<string, number>();
    for (const r of snapshot.rewards!) addTo(String(r.pk).startsWith('AWARD#') ? awarded : totals, r.customerId, r.points);
    for (const customerId of new Set([...awarded.keys(), ...totals.keys()])) {
      const [ledger, total] = [awarded.get(customerId) ?? 0, totals.get(customerId) ?? 0];
      if (ledger !== total) add('points-ledger', `customer ${customerId} has ${total} points, awards add up to ${ledger}`, [customerId]);
    }
  },
  effects: {
    awardPoints: ({ orderId, snapshot }) => awardsOf(snapshot.rewards!).has(orderId),
  },
};
