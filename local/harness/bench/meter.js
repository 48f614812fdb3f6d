'use strict';
/**
 * A counting HTTP proxy the benchmark puts between the functions and DynamoDB Local / the
 * EventBridge emulator, so cost is measured from outside the business code. While `metering` is
 * on, it asks DynamoDB for `ReturnConsumedCapacity: INDEXES` on every data-plane call and adds up the
 * read and write units it reports (in all, and by table and index), adds what a refused write
 * costs (DynamoDB does not report it), and counts `PutEvents` calls and entries. While off it only
 * forwards bytes (the throughput runs pay almost nothing for it).
 */
const http = require('node:http');

const CAPACITY_OPERATIONS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems',
]);

const emptyCounts = () => ({ dynamodb: {}, tables: {}, putEvents: { calls: 0, entries: 0 } });

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** `counts.tables[table]`: units by table and by each of its indexes, reads and writes apart. */
const addByTable = (counts, operation, consumed) => {
  const kind = WRITES.has(operation) ? 'writeUnits' : 'readUnits';
  for (const c of [].concat(consumed || [])) {
    if (!c.TableName) continue;
    const t = (counts.tables[c.TableName] ??= { writeUnits: 0, readUnits: 0, byOperation: {}, indexes: {} });
    const total = c.CapacityUnits || 0;
    const indexes = Object.entries(c.GlobalSecondaryIndexes || {});
    const tableUnits = c.Table ? c.Table.CapacityUnits || 0 : total - indexes.reduce((sum, [, i]) => sum + (i.CapacityUnits || 0), 0);
    t[kind] += total;
    const op = (t.byOperation[operation] ??= { calls: 0, units: 0 });
    op.calls += 1;
    op.units += tableUnits;
    for (const [name, i] of indexes) {
      const entry = (t.indexes[name] ??= { writeUnits: 0, readUnits: 0 });
      entry[kind] += i.CapacityUnits || 0;
    }
  }
};

/** 1 KB write units for an item as the request gives it (its JSON is near its stored size). */
const itemUnits = (item) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item || {})) / 1024));

/**
 * What DynamoDB charges for a write it refused, which it does not report: a failed condition
 * consumes the write as if made (1 unit per KB); a cancelled transaction is counted at 2 units per
 * KB of each of its items, as if committed (an upper bound). Updates, deletes and condition checks
 * are counted at one KB.
 */
const refusedWriteCapacity = (operation, request) => {
  if (operation === 'TransactWriteItems') {
    const byTable = {};
    for (const action of request.TransactItems || []) {
      const [, a] = Object.entries(action)[0] || [];
      if (!a || !a.TableName) continue;
      byTable[a.TableName] = (byTable[a.TableName] || 0) + 2 * itemUnits(a.Item);
    }
    return Object.entries(byTable).map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits }));
  }
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') return [{ TableName: request.TableName, CapacityUnits: itemUnits(request.Item) }];
  return undefined;
};

/** Adds one response's ConsumedCapacity (an object or a list) to `counts.dynamodb[operation]`. */
const addCapacity = (counts, operation, consumed) => {
  const entry = (counts.dynamodb[operation] ??= { calls: 0, readUnits: 0, writeUnits: 0, capacityUnits: 0 });
  entry.calls += 1;
  for (const c of [].concat(consumed || [])) {
    entry.readUnits += c.ReadCapacityUnits || 0;
    entry.writeUnits += c.WriteCapacityUnits || 0;
    entry.capacityUnits += c.CapacityUnits || 0;
  }
};

const startMeter = ({ port, target, kind }) => {
  const state = { metering: false, counts: emptyCounts() };
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const server = http.createServer((req, res) => {
    const forward = (body, onResponse) => {
      const headers = { ...req.headers, host: upstream.host };
      if (body) headers['content-length'] = Buffer.byteLength(body);
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (up) => {
        if (!onResponse) {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
          return;
        }
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          const raw = Buffer.concat(chunks);
          onResponse(up.statusCode, raw);
          res.writeHead(up.statusCode, up.headers);
          res.end(raw);
        });
      });
      out.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e.message));
      });
      if (body !== undefined) out.end(body);
      else req.pipe(out);
    };

    const operation = String(req.headers['x-amz-target'] || '').split('.')[1];
    if (!state.metering || !operation) return forward();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (kind === 'eventbridge') {
        if (operation === 'PutEvents') {
          state.counts.putEvents.calls += 1;
          try {
            state.counts.putEvents.entries += (JSON.parse(raw).Entries || []).length;
          } catch {
            /* counted the call; an unreadable body is the emulator's to refuse */
          }
        }
        return forward(raw);
      }
      if (!CAPACITY_OPERATIONS.has(operation)) return forward(raw);
      let body = raw;
      try {
        // DynamoDB Local ignores request signatures, so adding a field is safe here; the response
        // is passed on byte for byte (its CRC32 header stays valid).
        body = JSON.stringify({ ...JSON.parse(raw), ReturnConsumedCapacity: 'INDEXES' });
      } catch {
        /* forward as is */
      }
      return forward(body, (status, response) => {
        let consumed;
        try {
          const parsed = JSON.parse(response.toString('utf8'));
          consumed = parsed.ConsumedCapacity;
          const refused = status !== 200 && /ConditionalCheckFailed|TransactionCanceled/.test(String(parsed.__type));
          if (refused && !consumed) {
            consumed = refusedWriteCapacity(operation, JSON.parse(raw));
            state.counts.refusedWrites = (state.counts.refusedWrites || 0) + 1;
          }
        } catch {
          /* not JSON */
        }
        addCapacity(state.counts, operation, consumed);
        addByTable(state.counts, operation, consumed);
      });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port,
        start: () => {
          state.counts = emptyCounts();
          state.metering = true;
        },
        stop: () => {
          state.metering = false;
          return state.counts;
        },
        snapshot: () => JSON.parse(JSON.stringify(state.counts)),
        close: () =>
          new Promise((r) => {
            agent.destroy();
            server.close(() => r());
            server.closeAllConnections?.();
          }),
      }),
    );
  });
};

module.exports = { startMeter, addCapacity, addByTable, refusedWriteCapacity, emptyCounts, CAPACITY_OPERATIONS };
