import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { startDynamoDbLocal } from '../../local/emulator/dynamodb-local';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const unpackedInTmp = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => /sqlite/.test(f)));

/**
 * Clean shutdown: DynamoDB Local's SQLite driver unpacks its native library into the temporary
 * directory on every start, and a JVM killed with -9 (as chaos kills it) never deletes it.
 */
describe('DynamoDB Local on the local stack', () => {
  it('unpacks into a temporary directory of its own, removed when the JVM exits, even killed with -9', async () => {
    // Prepare
    const before = unpackedInTmp();
    const db = await startDynamoDbLocal({ port: await freePort() });
    const ownDir = db.tmpDir as string;
    const whileRunning = fs.existsSync(ownDir) ? fs.readdirSync(ownDir) : [];

    // Act
    process.kill(-db.pid!, 'SIGKILL');
    await db.exited;

    // Assess
    expect(whileRunning.some((f) => /sqlite/.test(f))).toBe(true);
    expect(fs.existsSync(ownDir)).toBe(false);
    expect([...unpackedInTmp()].filter((f) => !before.has(f))).toEqual([]);
  });
});
