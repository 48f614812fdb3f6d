'use strict';
const http = require('node:http');

/**
 * A fault-injecting HTTP proxy on 127.0.0.1, in front of DynamoDB Local or the EventBridge emulator.
 * Faults are injected on the wire, with the real error shapes of the AWS APIs, so that the code under
 * test (the functions, the SDK's own retries, the stream emulator) meets them exactly as on AWS and
 * never knows it is being tested.
 *
 * Each rule looks at a request and may return an action:
 *   { kind, respond: { status, body } }       answer instead of the target (the request never arrives)
 *   { kind, forward: 'twice' }                 forward, then forward the same request again (a duplicate)
 *   { kind, delayMs }                          forward after a delay
 *   { kind, rewrite: (request) => request }   forward a changed request (e.g. fewer entries)
 *   { kind, afterResponse: (json) => json }    forward, then change the answer
 *   { kind, dropResponse: true }               forward, let the target commit, then lose the answer
 * The first rule that returns an action wins; every action is counted under its `kind`.
 *
 * Transforms run before the rules, on every request, and compose with them: each may return
 *   { kind, count, json }                      forward `json` instead (counted `count` times under `kind`)
 * so that e.g. an event rewritten to an older contract version can still be duplicated or refused.
 */
/**
 * @param {{ port?: number, target: string, rules?: Array<(req: { target?: string, json?: any }) => any>, transforms?: Array<(req: { target?: string, json?: any }) => any>, name?: string }} opts
 */
const startFaultProxy = async ({ port = 0, target, rules = [], transforms = [], name = 'proxy' }) => {
  const counts = {};
  const targetUrl = new URL(target);
  let enabled = true;

  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      const upstream = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const parseJson = (buffer) => {
    try {
      return JSON.parse(buffer.toString('utf8'));
    } catch {
      return undefined;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let body = Buffer.concat(chunks);
      const request = { method: req.method, url: req.url, headers: req.headers, target: req.headers['x-amz-target'], json: parseJson(body) };
      for (const transform of enabled ? transforms : []) {
        const changed = transform(request);
        if (!changed) continue;
        counts[changed.kind] = (counts[changed.kind] ?? 0) + (changed.count ?? 1);
        request.json = changed.json;
        body = Buffer.from(JSON.stringify(changed.json));
      }
      const action = enabled ? rules.map((rule) => rule(request)).find(Boolean) : undefined;
      if (action) counts[action.kind] = (counts[action.kind] ?? 0) + 1;
      const reply = (status, headers, payload) => {
        res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      };
      try {
        if (action?.respond) {
          const payload = typeof action.respond.body === 'string' ? action.respond.body : JSON.stringify(action.respond.body);
          return reply(action.respond.status, { 'content-type': action.respond.contentType ?? req.headers['content-type'] ?? 'application/json' }, payload);
        }
        if (action?.delayMs) await new Promise((r) => setTimeout(r, action.delayMs));
        if (action?.rewrite) body = Buffer.from(JSON.stringify(action.rewrite(request.json)));
        const response = await forward(req, body);
        if (action?.forward === 'twice') await forward(req, body).catch(() => undefined);
        if (action?.dropResponse) {
          // The request was served (and committed); the client never hears back.
          res.socket?.destroy();
          return undefined;
        }
        let payload = response.body;
        if (action?.afterResponse) {
          const json = parseJson(payload);
          if (json !== undefined) payload = Buffer.from(JSON.stringify(action.afterResponse(json, request.json)));
        }
        const hopByHop = new Set(['content-length', 'transfer-encoding', 'connection']);
        const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !hopByHop.has(name)));
        return reply(response.status, headers, payload);
      } catch (error) {
        // The target is down (DynamoDB Local being restarted): answer as a service that is unavailable.
        counts.targetUnavailable = (counts.targetUnavailable ?? 0) + 1;
        return reply(503, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: `${name}: ${error.message}` }));
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  /** Sends a request straight to the target, past every rule (a held-back event, released). */
  const send = async ({ path = '/', headers, json }) => {
    const response = await forward({ method: 'POST', url: path, headers }, Buffer.from(JSON.stringify(json)));
    return response.status;
  };
  return {
    send,
    port: server.address().port,
    endpoint: `http://127.0.0.1:${server.address().port}`,
    counts,
    setEnabled: (value) => {
      enabled = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};

module.exports = { startFaultProxy };
