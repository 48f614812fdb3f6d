import { byOrder, type ServiceInvariants } from '../../platform/saga/invariants';

/** Shipping's books: a confirmed order has exactly one booked shipment; a cancelled one none left. */
export const shippingInvariants: ServiceInvariants = {
  tables: { shipments: 'shipments' },
  ended: ({ order, rows }, snapshot, add) => {
    const shipment = byOrder(snapshot.shipments!).get(order.orderId);
    const { orderId } = order;
    if (order.status === 'CONFIRMED') {
      if (shipment?.status !== 'SCHEDULED') add('confirmed-not-shipped', `CONFIRMED order ${orderId} has shipment ${shipment?.status ?? 'none'}`, [orderId]);
      const booked = rows.filter((r) => r.row.type === 'shipment.scheduled').length;
      if (booked !== 1) add('shipped-not-once', `order ${orderId} has ${booked} shipment.scheduled events`, [orderId]);
    } else if (shipment?.status === 'SCHEDULED') add('cancelled-still-shipping', `CANCELLED order ${orderId} still has shipment ${shipment.shipmentId} booked`, [orderId]);
  },
  effects: {
    // Recorded (destination, payment, or both and booked) or ignored after a tombstone: a record exists.
    scheduleShipment: ({ orderId, snapshot }) => byOrder(snapshot.shipments!).has(orderId),
    cancelShipment: ({ orderId, effects, snapshot }) => effects.length > 0 || byOrder(snapshot.shipments!).get(orderId)?.status === 'CANCELLED',
  },
};
