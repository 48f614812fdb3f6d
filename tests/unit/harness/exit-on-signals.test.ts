import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('exitOnSignals: a harness stopped by a signal still stops what it started', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('runs the exit handlers on %s', async (signal) => {
    // Prepare: a process that registers an exit handler (as the stacks do) and then waits.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exit-on-signals-'));
    const marker = path.join(dir, 'stopped');
    const helper = path.resolve(__dirname, '../../../local/harness/shared/processes.js');
    const script = `require(${JSON.stringify(helper)}).exitOnSignals(); process.once('exit', () => require('fs').writeFileSync(${JSON.stringify(marker)}, 'yes')); console.log('ready'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

    // Act
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

    // Assess
    expect(code).toBe(130);
    expect(fs.readFileSync(marker, 'utf8')).toBe('yes');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
