'use strict';
/**
 * On AWS a `schedule` is an EventBridge rule: it fires whether or not anything of ours is running,
 * and Lambda keeps the asynchronous event until the function's `maximumEventAge`. Serverless
 * offline's scheduler lives inside the stack's process, so a stack killed across a minute boundary
 * would silently lose that run (a chaos run kills it every 30 s, in step with the minute). This
 * records, per scheduled function, the last boundary the stack was up for; on start it runs once
 * each function whose latest boundary passed while the stack was down, if that run is still within
 * the function's maximum event age, as Lambda would deliver it late.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The period of `rate(N minute[s]|hour[s])` in ms; undefined for a cron expression (not caught up). */
const periodOf = (expression) => {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(String(expression).trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2].startsWith('minute') ? 60_000 : 3_600_000);
};

/** The latest boundary at or before `now`, and whether it is a run the stack missed and may still make. */
const catchUpDue = ({ now, seenUntil, periodMs, maxAgeMs }) => {
  const latest = Math.floor(now / periodMs) * periodMs;
  return { latest, due: seenUntil !== undefined && latest > seenUntil && now - latest <= maxAgeMs };
};

/**
 * @param {{ file: string, schedules: { functionKey: string, periodMs: number, maxAgeMs: number }[], run: (functionKey: string) => Promise<unknown>, log?: (line: string) => void, now?: () => number }} opts
 * @returns {{ stop: () => void, caughtUp: string[] }}
 */
const startScheduleCatchUp = ({ file, schedules, run, log = () => {}, now = Date.now }) => {
  let seen = {};
  try {
    seen = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    seen = {};
  }
  const save = () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(seen));
  };
  const caughtUp = [];
  for (const s of schedules) {
    const { latest, due } = catchUpDue({ now: now(), seenUntil: seen[s.functionKey], periodMs: s.periodMs, maxAgeMs: s.maxAgeMs });
    if (due) {
      caughtUp.push(s.functionKey);
      run(s.functionKey).catch((error) => log(`schedule catch-up: ${s.functionKey} failed (${error?.message ?? error})`));
    }
    seen[s.functionKey] = latest;
  }
  save();
  if (caughtUp.length) log(`schedule catch-up: ran ${caughtUp.join(', ')} (their run fell while the stack was down)`);
  // Each boundary the stack is up for is one serverless offline's scheduler runs itself.
  const timers = new Set();
  const arm = (s) => {
    const wait = s.periodMs - (now() % s.periodMs) + 50;
    const timer = setTimeout(() => {
      timers.delete(timer);
      seen[s.functionKey] = Math.floor(now() / s.periodMs) * s.periodMs;
      save();
      arm(s);
    }, wait);
    timer.unref?.();
    timers.add(timer);
  };
  schedules.forEach(arm);
  return {
    caughtUp,
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
};

module.exports = { periodOf, catchUpDue, startScheduleCatchUp };
