'use strict';
/**
 * Which DynamoDB items are hot right now: the items that the most transactions touched lately (a
 * count per item that halves every `halfLifeMs`). DynamoDB cancels a transaction that meets another
 * on the same item, so conflicts happen where traffic meets: on a product everybody buys, on a busy
 * customer's account, not on an order's own records. The fault proxy conflicts those.
 */

/** A stable name for an item: its table and key, as the request carries them. */
const itemName = (table, key) => `${table}|${JSON.stringify(Object.keys(key).sort().map((k) => [k, key[k]]))}`;

/**
 * The items a write request names by key: each Update, Delete or ConditionCheck of a
 * TransactWriteItems (undefined for a Put), or a plain UpdateItem or DeleteItem. Puts here write new
 * records (markers, outbox rows, an order's own records), which are never hot.
 */
const keyedItems = (json) => {
  const keyed = (action) => (action?.Key && action.TableName ? itemName(action.TableName, action.Key) : undefined);
  if (Array.isArray(json?.TransactItems)) return json.TransactItems.map((item) => keyed(item.Update ?? item.Delete ?? item.ConditionCheck));
  return [keyed(json)];
};

/**
 * @param {{ top?: number, minTouches?: number, halfLifeMs?: number, now?: () => number }} [opts] `minTouches` 2.5: three writes within about a second make an item hot (the count decays between them)
 */
const hotItems = ({ top = 8, minTouches = 2.5, halfLifeMs = 2_000, now = Date.now } = {}) => {
  const heat = new Map();
  let hot = new Set();
  let rankedAt = 0;
  const current = (entry, at) => entry.count * 0.5 ** ((at - entry.at) / halfLifeMs);
  const rank = (at) => {
    const scored = [];
    for (const [name, entry] of heat) {
      const count = current(entry, at);
      if (count < 0.1) heat.delete(name);
      else scored.push([name, count]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    hot = new Set(scored.slice(0, top).filter(([, count]) => count >= minTouches).map(([name]) => name));
    rankedAt = at;
  };
  return {
    /** Counts one request's items; returns the index of its hottest hot item, or -1. */
    touch(names) {
      const at = now();
      for (const name of names) {
        if (!name) continue;
        const entry = heat.get(name);
        heat.set(name, { count: (entry ? current(entry, at) : 0) + 1, at });
      }
      if (at - rankedAt >= 100 || hot.size === 0) rank(at);
      let best = -1;
      names.forEach((name, i) => {
        if (name && hot.has(name) && (best < 0 || current(heat.get(name), at) > current(heat.get(names[best]), at))) best = i;
      });
      return best;
    },
    hot: () => new Set(hot),
  };
};

module.exports = { hotItems, keyedItems, itemName };
