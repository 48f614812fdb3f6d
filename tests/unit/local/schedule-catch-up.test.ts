/**
 * Local schedules fail as AWS's do not: serverless offline's scheduler dies with the stack, and a
 * run due while it was down would be lost. On AWS the rule fires anyway and Lambda delivers the
 * event late, within the function's maximum event age; local/emulator/schedule-catch-up.js does
 * the same on the stack's next start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catchUpDue, periodOf, startScheduleCatchUp } from '../../../local/emulator/schedule-catch-up';

const MINUTE = 60_000;

describe('local schedule catch-up', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schedules-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the periods of rate expressions and leaves cron alone', () => {
    // Assess
    expect(periodOf('rate(1 minute)')).toBe(MINUTE);
    expect(periodOf('rate(5 minutes)')).toBe(5 * MINUTE);
    expect(periodOf('rate(2 hours)')).toBe(2 * 60 * MINUTE);
    expect(periodOf('cron(0 12 * * ? *)')).toBeUndefined();
  });

  it('is due only for a boundary the stack missed, within the maximum event age, and never on a first start', () => {
    // Assess: up at 10:00, down from 10:00:40 to 10:01:20 -> the 10:01 run is missed.
    const t = 1_000 * MINUTE;
    expect(catchUpDue({ now: t + MINUTE + 20_000, seenUntil: t, periodMs: MINUTE, maxAgeMs: MINUTE })).toEqual({ latest: t + MINUTE, due: true });
    // Back within the same minute it saw: nothing missed.
    expect(catchUpDue({ now: t + 30_000, seenUntil: t, periodMs: MINUTE, maxAgeMs: MINUTE }).due).toBe(false);
    // Back too late: Lambda would have dropped the event (past its maximum age).
    expect(catchUpDue({ now: t + MINUTE + 40_000, seenUntil: t, periodMs: MINUTE, maxAgeMs: 30_000 }).due).toBe(false);
    // A stage's first start has nothing to catch up.
    expect(catchUpDue({ now: t + 20_000, seenUntil: undefined, periodMs: MINUTE, maxAgeMs: MINUTE }).due).toBe(false);
  });

  it('runs a missed schedule once on start, and records the boundaries it sees', async () => {
    // Prepare: the last life of the stack saw the 10:00 boundary; it restarts at 10:01:15.
    const file = path.join(dir, 'schedules.json');
    const t = 1_000 * MINUTE;
    fs.writeFileSync(file, JSON.stringify({ outboxSweepClock: t, sagaWatchdog: t + MINUTE }));
    const runs: string[] = [];

    // Act
    const catchUp = startScheduleCatchUp({
      file,
      schedules: [
        { functionKey: 'outboxSweepClock', periodMs: MINUTE, maxAgeMs: MINUTE },
        { functionKey: 'sagaWatchdog', periodMs: MINUTE, maxAgeMs: MINUTE },
      ],
      run: async (key) => void runs.push(key),
      now: () => t + MINUTE + 15_000,
    });
    catchUp.stop();

    // Assess: only the clock missed its run; both now count 10:01 as seen.
    expect(runs).toEqual(['outboxSweepClock']);
    expect(catchUp.caughtUp).toEqual(['outboxSweepClock']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ outboxSweepClock: t + MINUTE, sagaWatchdog: t + MINUTE });
  });

  it('starts clean from a missing or broken file (a kill mid-write)', () => {
    // Prepare
    const file = path.join(dir, 'schedules.json');
    fs.writeFileSync(file, '{"outboxSweep');
    const runs: string[] = [];

    // Act
    const catchUp = startScheduleCatchUp({ file, schedules: [{ functionKey: 'outboxSweepClock', periodMs: MINUTE, maxAgeMs: MINUTE }], run: async (key) => void runs.push(key) });
    catchUp.stop();

    // Assess
    expect(runs).toEqual([]);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')))).toEqual(['outboxSweepClock']);
  });
});
