'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startDynamoDbLocal } = require('./dynamodb-local');
const { localPorts } = require('./ports');
const { pipeQuietly } = require('./quiet-output');

const ROOT = path.resolve(__dirname, '..', '..');
const SLS = path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

const killGroup = (pid, signal) => {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once the HTTP API answers (any status), which also means the Lambda workers can start. */
const waitForHttp = async (url, { timeoutMs, exited }) => {
  const until = Date.now() + timeoutMs;
  let stopped = false;
  exited.then(() => (stopped = true));
  for (;;) {
    if (stopped) throw new Error('serverless offline exited before it was ready');
    try {
      const response = await fetch(url);
      await response.text();
      if (response.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`serverless offline did not answer at ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * The whole local stack: DynamoDB Local, then `serverless offline` (HTTP API, stream forwarders,
 * EventBridge emulator, schedules) in its own process group. `stop()` takes both down, JVM included.
 * @param {{ env?: Record<string, string>, params?: Record<string, string>, stage?: string, dataDir?: string,
 *   stdio?: any, logFile?: string, appendLog?: boolean, log?: (line: string) => void, readyTimeoutMs?: number, demoData?: boolean }} [options]
 *   `demoData: false` leaves the tables empty (a fresh stage).
 *   `stdio: 'quiet'` prints serverless' output without its runtime-schema warning and internal invoke routes.
 */
const startStack = async ({
  env = {},
  params = {},
  stage = 'local',
  dataDir,
  stdio = 'inherit',
  logFile,
  appendLog = false,
  log = (line) => console.log(line),
  readyTimeoutMs = 120000,
  demoData = true,
} = {}) => {
  const fullEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env, LOCAL_DEMO_DATA: demoData ? 'true' : 'false' };
  const ports = localPorts(fullEnv);
  const dynamodb = await startDynamoDbLocal({ port: ports.dynamodb, dataDir, log });

  const args = [SLS, 'offline', 'start', '--stage', stage, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)];
  let output = stdio === 'quiet' ? ['inherit', 'pipe', 'pipe'] : stdio;
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    // A harness that restarts the stack (chaos) keeps one log of every life of it.
    const fd = fs.openSync(logFile, appendLog ? 'a' : 'w');
    output = ['ignore', fd, fd];
  }
  // Keep colours when the output is piped through the filter to a terminal.
  const colour = stdio === 'quiet' && process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
  const offline = spawn(process.execPath, args, { cwd: ROOT, env: { ...fullEnv, ...colour }, detached: true, stdio: output });
  if (stdio === 'quiet' && !logFile) {
    pipeQuietly(offline.stdout, process.stdout);
    pipeQuietly(offline.stderr, process.stderr);
  }
  const exited = new Promise((resolve) => offline.once('exit', (code, signal) => resolve({ code, signal })));

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (offline.exitCode === null && offline.signalCode === null && killGroup(offline.pid, 'SIGTERM')) {
        const timer = setTimeout(() => killGroup(offline.pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      killGroup(offline.pid, 'SIGKILL'); // workers it may have left behind
      await dynamodb.stop();
    })());
  process.once('exit', () => {
    killGroup(offline.pid, 'SIGKILL');
  });

  try {
    // A path with no route: answered (404) as soon as the API is up, without running the JWT
    // authorizer, which would log a refused token on every probe.
    await waitForHttp(`http://127.0.0.1:${ports.http}/readiness-probe`, { timeoutMs: readyTimeoutMs, exited });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, stop, exited, dynamodb, pid: offline.pid, logFile, baseUrl: `http://127.0.0.1:${ports.http}` };
};

module.exports = { startStack, ROOT };
