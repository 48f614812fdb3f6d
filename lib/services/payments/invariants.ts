import { addTo, byOrder, checkCounters, type ServiceInvariants } from '../../platform/saga/invariants';

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
    for (const p of snapshot.payments!) if (p.status === 'CHARGED') addTo(taken, p.customerId, p.amount);
    for (const o of snapshot.orders!) if (o.status === 'CONFIRMED') addTo(confirmed, o.customerId, o.amount ?? 0);
    checkCounters(
      { items: snapshot.accounts!, idKey: 'customerId', figure: 'balance', what: 'customer', baseline: baseline?.balance, confirmed, held: taken, heldLabel: 'charged', kinds: { negative: 'negative-balance', ledger: 'balance-ledger', held: 'money-held' } },
      add,
    );
  },
  effects: {
    chargePayment: ({ orderId, snapshot }) => byOrder(snapshot.payments!).has(orderId),
    refundPayment: ({ orderId, effects, snapshot }) => effects.length > 0 || ['REFUNDED', 'CANCELLED'].includes(byOrder(snapshot.payments!).get(orderId)?.status),
  },
};
