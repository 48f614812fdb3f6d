import type { Item, ServiceInvariants } from '../../platform/saga/invariants';
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
  effects: {
    awardPoints: ({ orderId, snapshot }) => awardsOf(snapshot.rewards!).has(orderId),
  },
};
