'use strict';
/**
 * A counting HTTP proxy the benchmark puts between the functions and DynamoDB Local / the
 * EventBridge emulator, so cost is measured from outside the business code. While `metering` is
 * on, it asks DynamoDB for `ReturnConsumedCapacity: TOTAL` on every data-plane call and adds up the
 * read and write units it reports, and counts `PutEvents` calls and entries. While off it only
 * forwards bytes (the throughput runs pay almost nothing for it).
 */
const http = require('node:http');

const CAPACITY_OPERATIONS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems',
]);

const emptyCounts = () => ({ dynamodb: {}, putEvents: { calls: 0, entries: 0 } });

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
        body = JSON.stringify({ ...JSON.parse(raw), ReturnConsumedCapacity: 'TOTAL' });
      } catch {
        /* forward as is */
      }
      return forward(body, (status, response) => {
        let consumed;
        try {
          const parsed = JSON.parse(response.toString('utf8'));
          consumed = parsed.ConsumedCapacity;
          // A cancelled transaction still consumed capacity, which DynamoDB does not report.
          if (status !== 200 && !consumed) consumed = undefined;
        } catch {
          /* not JSON */
        }
        addCapacity(state.counts, operation, consumed);
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

module.exports = { startMeter, addCapacity, emptyCounts, CAPACITY_OPERATIONS };
