import type { Item, ServiceInvariants } from '../../platform/saga/invariants';

const byOrder = (items: Item[]) => new Map(items.map((i) => [i.orderId as string, i]));

/** Payments' books: a confirmed order is charged once, its amount; money adds up per customer. */
export const paymentsInvariants: ServiceInvariants = {
  tables: { payments: 'payments', accounts: 'accounts' },
  ended: ({ order, rows }, snapshot, add) => {
    const payment = byOrder(snapshot.payments!).get(order.orderId);
    const { orderId } = order;
    if (order.status === 'CONFIRMED') {
      if (payment?.status !== 'CHARGED') add('confirmed-not-charged', `CONFIRMED order ${orderId} has payment ${payment?.status ?? 'none'}`, [orderId]);
      else if (payment.amount !== order.amount) add('charged-wrong-amount', `order ${orderId} charged ${payment.amount}, confirmed for ${order.amount}`, [orderId]);
      const charges = rows.filter((r) => r.row.type === 'payment.succeeded').length;
      if (charges !== 1) add('charged-not-once', `order ${orderId} has ${charges} payment.succeeded events`, [orderId]);
    } else if (payment?.status === 'CHARGED') add('cancelled-still-charged', `CANCELLED order ${orderId} is still charged ${payment.amount}`, [orderId]);
  },
  books: (snapshot, add, { baseline }) => {
    const taken = new Map<string, number>();
    const confirmed = new Map<string, number>();
    const addTo = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    for (const p of snapshot.payments!) if (p.status === 'CHARGED') addTo(taken, p.customerId, p.amount);
    for (const o of snapshot.orders!) if (o.status === 'CONFIRMED') addTo(confirmed, o.customerId, o.amount ?? 0);
    for (const account of snapshot.accounts!) {
      const id = account.customerId as string;
      if (account.balance < 0) add('negative-balance', `customer ${id} has balance ${account.balance}`, [id]);
      const base = baseline?.balance?.[id];
      if (base === undefined) continue;
      const used = confirmed.get(id) ?? 0;
      if (account.balance !== base - used) add('balance-ledger', `customer ${id}: balance ${account.balance}, expected ${base} − ${used} confirmed = ${base - used}`, [id]);
      if ((taken.get(id) ?? 0) !== used) add('money-held', `customer ${id}: ${taken.get(id) ?? 0} charged, ${used} confirmed`, [id]);
    }
  },
  effects: {
    chargePayment: ({ orderId, snapshot }) => byOrder(snapshot.payments!).has(orderId),
    refundPayment: ({ orderId, effects, snapshot }) => effects.length > 0 || ['REFUNDED', 'CANCELLED'].includes(byOrder(snapshot.payments!).get(orderId)?.status),
  },
};
