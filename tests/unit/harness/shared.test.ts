/**
 * What chaos, soak, verify and the bench share (local/harness/shared/): options, the stack's log,
 * the invocations in it, and the processes a stack started. One library, so each is tested once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, option } from '../../../local/harness/shared/options';
import { readFrom, sizeOf, tailer } from '../../../local/harness/shared/logs';
import { invocationsIn } from '../../../local/harness/shared/lambda';
import { stackProcesses, stackUsageWhile } from '../../../local/harness/shared/processes';

describe('options', () => {
  it('reads `--name value`, falls back when the name or its value is missing, and sees flags', () => {
    // Prepare
    const args = ['--rate', '7', '--quick', '--design'];
    // Act & Assess
    expect(option('rate', '20', args)).toBe('7');
    expect(option('orders', '200', args)).toBe('200');
    expect(option('design', 'both', args)).toBe('both');
    expect(flag('quick', args)).toBe(true);
    expect(flag('slow', args)).toBe(false);
  });
});

describe('the stack log', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-shared-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tails only complete lines, each once, and reads from an offset', () => {
    // Prepare
    const file = path.join(dir, 'stack.log');
    const next = tailer(file);
    // Act & Assess
    expect(next()).toEqual([]); // no file yet
    fs.writeFileSync(file, 'one\ntw');
    expect(next()).toEqual(['one']);
    fs.appendFileSync(file, 'o\nthree\n');
    expect(next()).toEqual(['two', 'three']);
    expect(next()).toEqual([]);
    expect(readFrom(file, 4)).toEqual({ text: 'two\nthree\n', offset: sizeOf(file) });
    expect(readFrom(path.join(dir, 'none'), 0)).toEqual({ text: '', offset: 0 });
  });

  it('counts invocations and billed time per function from serverless offline lines', () => {
    // Prepare
    const text = [
      '(λ: advanceSaga) RequestId: a1  Duration: 12.50 ms  Billed Duration: 13 ms',
      'something else',
      '(λ: advanceSaga) RequestId: a2  Duration: 3.10 ms  Billed Duration: 4 ms',
      '(λ: reserveStock) RequestId: r1  Duration: 7.00 ms  Billed Duration: 7 ms',
    ].join('\n');
    // Act
    const counted = invocationsIn(text);
    // Assess
    expect(counted).toEqual({ advanceSaga: { count: 2, billedMs: 17 }, reserveStock: { count: 1, billedMs: 7 } });
  });
});

describe('the processes of a stack', () => {
  it('finds both parts with their children, labels them stably, and measures CPU and memory while a run runs', async () => {
    // Prepare: two process trees standing in for serverless offline (with a child) and DynamoDB Local.
    const busy = 'const t = Date.now() + 400; while (Date.now() < t);';
    const offline = spawn(process.execPath, ['-e', `require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' }); setTimeout(() => {}, 5000)`], { stdio: 'ignore' });
    const dynamodb = spawn(process.execPath, ['-e', `${busy} setTimeout(() => {}, 5000)`], { stdio: 'ignore', detached: true });
    const stack = { pid: offline.pid!, dynamodb: { pid: dynamodb.pid! } };
    try {
      await new Promise((r) => setTimeout(r, 300));
      const labels = new Map<number, string>();
      // Act
      const first = stackProcesses(stack, labels);
      const again = stackProcesses(stack, labels);
      const usage = await stackUsageWhile(stack, () => new Promise((r) => setTimeout(() => r('done'), 200)));
      // Assess
      expect(first.filter((p) => p.part === 'offline')).toHaveLength(2);
      expect(first.find((p) => p.pid === stack.pid)?.label).toBe('offline');
      expect(first.find((p) => p.pid === stack.dynamodb.pid)).toMatchObject({ part: 'dynamodb', label: 'java' });
      expect(again.map((p) => p.label).sort()).toEqual(first.map((p) => p.label).sort());
      expect(usage.result).toBe('done');
      expect(usage.rssMiB).toBeGreaterThan(0);
      expect(usage.cpuPercent.dynamodb).toBeGreaterThanOrEqual(0);
    } finally {
      for (const p of stackProcesses(stack)) process.kill(p.pid, 'SIGKILL');
    }
  });
});
