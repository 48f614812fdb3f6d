import { addTo, byOrder, checkCounters, type AddViolation, type Item, type ServiceInvariants } from '../../platform/saga/invariants';

/**
 * A product's stock summed over its shards (shard 0 is the product item; shard k ≥ 1 names its
 * product in `shardOf`). A shard beyond the product's shard count is never read by a reservation,
 * so units in it are lost to sale: a violation.
 */
const stockPerProduct = (items: Item[], add: AddViolation): Item[] => {
  const heads = items.filter((i) => i.shardOf === undefined);
  const products = new Map(heads.map((i) => [i.productId, { productId: i.productId, stock: i.stock, shards: i.shards ?? 1 }]));
  for (const head of heads) if (head.shards > 1 && head.stock < 0) add('negative-stock', `shard 0 of ${head.productId} has stock ${head.stock}`, [head.productId]);
  for (const shard of items) {
    if (shard.shardOf === undefined) continue;
    if (shard.stock < 0) add('negative-stock', `shard ${shard.productId} has stock ${shard.stock}`, [shard.productId]);
    const product = products.get(shard.shardOf);
    if (!product || shard.shard >= product.shards) {
      if (shard.stock !== 0) add('stock-uncounted', `shard ${shard.productId} holds ${shard.stock} units outside its product's ${product?.shards ?? 0} shards`, [shard.productId]);
      continue;
    }
    product.stock += shard.stock;
  }
  return [...products.values()];
};

/** Inventory's books: a confirmed order holds its reservation once; stock adds up per product, over its shards, and no shard goes negative. */
export const inventoryInvariants: ServiceInvariants = {
  tables: { reservations: 'reservations', products: 'products' },
  ended: ({ order, rows }, snapshot, add) => {
    const reservation = byOrder(snapshot.reservations!).get(order.orderId);
    const { orderId } = order;
    if (order.status === 'CONFIRMED') {
      if (reservation?.status !== 'RESERVED') add('confirmed-not-reserved', `CONFIRMED order ${orderId} has reservation ${reservation?.status ?? 'none'}`, [orderId]);
      else if (reservation.amount !== order.amount) add('reserved-wrong-amount', `order ${orderId} reserved ${reservation.amount}, confirmed for ${order.amount}`, [orderId]);
      const reserves = rows.filter((r) => r.row.type === 'inventory.reserved').length;
      if (reserves !== 1) add('reserved-not-once', `order ${orderId} has ${reserves} inventory.reserved events`, [orderId]);
    } else if (reservation?.status === 'RESERVED') add('cancelled-stock-held', `CANCELLED order ${orderId} still holds its reservation`, [orderId]);
  },
  books: (snapshot, add, { baseline }) => {
    const held = new Map<string, number>();
    const confirmed = new Map<string, number>();
    for (const r of snapshot.reservations!) if (r.status === 'RESERVED') for (const line of r.items) addTo(held, line.productId, line.quantity);
    for (const o of snapshot.orders!) if (o.status === 'CONFIRMED') for (const line of o.items) addTo(confirmed, line.productId, line.quantity);
    checkCounters(
      { items: stockPerProduct(snapshot.products!, add), idKey: 'productId', figure: 'stock', what: 'product', baseline: baseline?.stock, confirmed, held, heldLabel: 'units held by reservations', kinds: { negative: 'negative-stock', ledger: 'stock-ledger', held: 'stock-held' } },
      add,
    );
  },
  effects: {
    // Ignored (a tombstone was there first) or reserved/failed: either way inventory has a record.
    reserveStock: ({ orderId, snapshot }) => byOrder(snapshot.reservations!).has(orderId),
    releaseStock: ({ orderId, effects, snapshot }) => effects.length > 0 || ['RELEASED', 'CANCELLED'].includes(byOrder(snapshot.reservations!).get(orderId)?.status),
  },
};
