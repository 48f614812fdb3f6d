'use strict';
/**
 * The saga explorer of the local stack (never deployed): a small HTTP server on 127.0.0.1 that
 * serves the page in ./public and two JSON endpoints. `GET /api/sagas` lists recent sagas from the
 * saga table (a Scan: fine for a laptop's data, not for production); `GET /api/sagas/<orderId>`
 * invokes the `describeSaga` function through serverless offline's Lambda endpoint, so the page
 * shows exactly the timeline `sls invoke -f describeSaga` prints.
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { ScanCommand } = require('@aws-sdk/client-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');
const { localClient } = require('../emulator/dynamodb-local');
const { consumerFailures } = require('../emulator/async-invoke');

const PUBLIC = path.join(__dirname, 'public');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };
const ORDER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_SCANNED = 20000;

const statusOf = (saga) => (saga.currentStep === 'CONFIRMED' || saga.currentStep === 'CANCELLED' ? saga.currentStep : 'PENDING');

/** Recent sagas, newest first: status, duration (so far, for a running one) and reason. */
const listSagas = async (client, table, limit) => {
  const sagas = [];
  let startKey;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        ProjectionExpression: 'orderId, sagaId, currentStep, compensationReason, startedAt, completedAt, deadline',
        ExclusiveStartKey: startKey,
      }),
    );
    sagas.push(...(page.Items || []).map((item) => unmarshall(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey && sagas.length < MAX_SCANNED);
  const now = Date.now();
  return sagas
    .sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)))
    .slice(0, limit)
    .map((s) => ({
      orderId: s.orderId,
      sagaId: s.sagaId,
      status: statusOf(s),
      step: s.currentStep,
      reason: s.compensationReason,
      startedAt: s.startedAt,
      completedAt: s.completedAt,
      deadline: s.deadline,
      durationMs: (s.completedAt ? Date.parse(s.completedAt) : now) - Date.parse(s.startedAt),
    }));
};

/** Invokes describeSaga as `aws lambda invoke` would; a function error comes back as `{ error }`. */
const describeSaga = async (lambdaUrl, functionName, orderId) => {
  const response = await fetch(`${lambdaUrl}/2015-03-31/functions/${functionName}/invocations`, { method: 'POST', body: JSON.stringify({ orderId }) });
  const text = await response.text();
  const body = JSON.parse(text);
  if (response.headers.get('x-amz-function-error') || body.errorMessage) {
    const notFound = /not found/.test(body.errorMessage || '');
    return { status: notFound ? 404 : 400, body: { error: body.errorType || 'Error', message: body.errorMessage || text } };
  }
  return { status: 200, body };
};

/**
 * @param {{ port: number, stage: string, lambdaPort: number, dynamodbPort: number, limit?: number }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
const startExplorer = async ({ port, stage, lambdaPort, dynamodbPort, limit = 100 }) => {
  const prefix = `order-saga-${stage}`;
  const client = localClient(dynamodbPort);
  const lambdaUrl = `http://127.0.0.1:${lambdaPort}`;
  const send = (res, status, body, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (req.method !== 'GET') return send(res, 405, { error: 'MethodNotAllowed', message: 'GET only' });
      if (url.pathname === '/api/topology') {
        // What the page colours as compensation: the cancellation and every compensation's answer, from the declaration.
        const { topology } = require('../../resources/declaration').declaration();
        return send(res, 200, { compensationTypes: [topology.saga.ends.cancelled, ...topology.compensations.map((c) => c.answer)] });
      }
      if (url.pathname === '/api/sagas') {
        const n = Math.min(Math.max(Number(url.searchParams.get('limit')) || limit, 1), 1000);
        return send(res, 200, { sagas: await listSagas(client, `${prefix}-saga-states`, n) });
      }
      if (url.pathname.startsWith('/api/sagas/')) {
        const orderId = decodeURIComponent(url.pathname.slice('/api/sagas/'.length));
        if (!ORDER_ID.test(orderId)) return send(res, 400, { error: 'ValidationError', message: 'orderId must be 1 to 128 letters, digits or _ . : -' });
        const { status, body } = await describeSaga(lambdaUrl, `${prefix}-describeSaga`, orderId);
        // What the consumers gave up on after Lambda's retries (the local on-failure destination).
        if (status === 200) body.consumerFailures = consumerFailures(stage).filter((f) => f.aggregateId === orderId);
        return send(res, status, body);
      }
      const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      const resolved = path.join(PUBLIC, path.normalize(file));
      if (!resolved.startsWith(PUBLIC + path.sep) || !fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) return send(res, 404, { error: 'NotFound', message: url.pathname });
      return send(res, 200, fs.readFileSync(resolved), TYPES[path.extname(resolved)] || 'application/octet-stream');
    } catch (error) {
      return send(res, 502, { error: 'ExplorerError', message: error.message });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      client.destroy();
    });
  return { url: `http://127.0.0.1:${port}/`, close };
};

module.exports = { startExplorer };
