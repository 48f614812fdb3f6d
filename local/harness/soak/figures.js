'use strict';
/**
 * The pure figures of `npm run soak` (local/harness/soak/soak.js): percentiles, least-squares trends, the
 * pass/fail rules for memory, latency and the sweeper, and /proc parsing. No I/O here, so every
 * rule is unit-tested on hand-made numbers (tests/unit/soak/figures.test.ts). Why each threshold
 * is what it is: the docs/verification.md, "Soak".
 */

/** Growth is judged only after this warm-up: 3 minutes or a third of the run, whichever is longer. */
const warmupMinutes = (runMinutes) => Math.max(3, runMinutes / 3);

/** Nearest-rank percentile (`p` in 0..1) of a list of numbers; null for an empty list. */
const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
};

/** Least-squares line through `[{ x, y }]`: `{ slope, intercept, at(x) }`, or null with fewer than two distinct x. */
const leastSquares = (points) => {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return { slope, intercept, at: (x) => intercept + slope * x };
};

/**
 * Memory rule, per process. RSS samples are `[{ tMin, mib }]` (minutes since the load started).
 * Garbage-collected runtimes (V8, the JVM) grow their heaps for a while and then collect, so RSS
 * climbs and falls in cycles of minutes: only a level that rises past those cycles is growth. The
 * reference is the higher of the highest RSS the process reached during the warm-up and the level
 * a least-squares line through the samples after the warm-up gives for its end; that line's level
 * at the end of the run is compared with it. A process GREW when the end level is more than
 * `maxRatio` above the reference and more than `minMiB`, AND it is still rising over the last half
 * of the run (its own slope there above `minSlopeRatio` of the reference per minute). A cycle never
 * ends far above a peak it already reached; a step (a heap expansion) stops rising; a leak, which
 * grows with every saga, does neither.
 * @returns {{ judged: boolean, grew: boolean, reason: string, firstMiB: number | null, lastMiB: number | null,
 *   fromMiB?: number, toMiB?: number, ratio?: number, slopePerMin?: number, slopeLastHalfPerMin?: number }}
 */
const growthVerdict = (samples, { warmupMin, endMin, maxRatio = 0.2, minMiB = 8, minSlopeRatio = 0.001 }) => {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const after = samples.filter((s) => s.tMin >= warmupMin);
  const base = { firstMiB: first?.mib ?? null, lastMiB: last?.mib ?? null };
  if (!first || endMin - warmupMin < 1 || after.length < 3) {
    return { ...base, judged: false, grew: false, reason: `not judged: needs at least a minute of samples after the ${fmt(warmupMin)}-minute warm-up` };
  }
  const fit = leastSquares(after.map((s) => ({ x: s.tMin, y: s.mib })));
  if (!fit) return { ...base, judged: false, grew: false, reason: 'not judged: the samples after the warm-up span no time' };
  const warmupPeakMiB = Math.max(...samples.filter((s) => s.tMin < warmupMin).map((s) => s.mib), -Infinity);
  const fromMiB = Math.max(warmupPeakMiB, fit.at(Math.max(warmupMin, after[0].tMin)));
  const toMiB = fit.at(endMin);
  const rise = toMiB - fromMiB;
  const ratio = fromMiB > 0 ? rise / fromMiB : 0;
  const halfFrom = Math.max(warmupMin, endMin / 2);
  const lastHalf = leastSquares(after.filter((s) => s.tMin >= halfFrom).map((s) => ({ x: s.tMin, y: s.mib })));
  const slopeLastHalf = lastHalf ? lastHalf.slope : fit.slope;
  const stillRising = slopeLastHalf > minSlopeRatio * fromMiB;
  const grew = ratio > maxRatio && rise > minMiB && stillRising;
  const trend = `${fmt(fromMiB)} → ${fmt(toMiB)} MiB (${pct(ratio)}) from the warm-up to the end`;
  const reason = grew ? `grew ${trend}, still rising ${fmt(slopeLastHalf, 1)} MiB/min over the last half` : `${trend}, ${fmt(slopeLastHalf, 1)} MiB/min over the last half`;
  return { ...base, judged: true, grew, fromMiB, toMiB, ratio, slopePerMin: fit.slope, slopeLastHalfPerMin: slopeLastHalf, reason };
};

/**
 * Latency rule: the last minute of the load against the first steady minutes (minutes 2 and 3:
 * minute 1 pays every handler's cold start). Run-to-run noise on a shared two-core VM is up to
 * ~2.5× (docs/performance.md), so a p99 more than twice the reference (and 200 ms more) is only a
 * warning; the run fails when the last minute is more than `failFactor` times slower at the median
 * or the p99 and by more than a second, which is a backlog building up, not noise.
 * `minutes` is `[{ latencies: number[] }]`, the load's minutes in order.
 */
const latencyVerdict = (minutes, { warnFactor = 2, warnMs = 200, failFactor = 4, failMs = 1000 } = {}) => {
  if (minutes.length < 3) return { judged: false, level: 'ok', reason: 'not judged: needs 3 minutes or more (minute 1 is the cold start)' };
  const reference = minutes.slice(1, Math.min(3, minutes.length - 1)).flatMap((m) => m.latencies);
  const lastLatencies = minutes[minutes.length - 1].latencies;
  if (reference.length === 0 || lastLatencies.length === 0) return { judged: false, level: 'ok', reason: 'not judged: no saga finished in the reference or the last minute' };
  const ref = { p50: percentile(reference, 0.5), p99: percentile(reference, 0.99) };
  const last = { p50: percentile(lastLatencies, 0.5), p99: percentile(lastLatencies, 0.99) };
  const worse = (q, factor, ms) => last[q] > factor * ref[q] && last[q] - ref[q] > ms;
  const level = worse('p50', failFactor, failMs) || worse('p99', failFactor, failMs) ? 'fail' : worse('p99', warnFactor, warnMs) ? 'warn' : 'ok';
  const reason = `last minute p50 ${last.p50} / p99 ${last.p99} ms against p50 ${ref.p50} / p99 ${ref.p99} ms in the first steady minutes`;
  return { judged: true, level, reference: ref, last, reason };
};

/**
 * Sweeper rule. Rows the sweeper published while no fault is injected are rows the stream path
 * did not publish within the grace period. A stall of the offline process on a busy machine can
 * cause a few, in one sweep; a stream path that stopped leaves every later row to the sweeper, in
 * every minute from then on, and the sweeper hides it (sagas still finish, just slower). So the run
 * fails when the sweeper published rows in two consecutive minutes (the settle phase counts as a
 * minute: a stop in the last minute shows there too), or more than `maxShare` of all rows.
 * `rows` is `[{ label, sweeper, published }]` in time order.
 */
const sweeperVerdict = (rows, { maxShare = 0.01 } = {}) => {
  const problems = [];
  for (let i = 1; i < rows.length; i += 1) {
    if (rows[i - 1].sweeper > 0 && rows[i].sweeper > 0) {
      problems.push(`the sweeper published rows in consecutive minutes ${rows[i - 1].label} and ${rows[i].label} (${rows[i - 1].sweeper}, ${rows[i].sweeper}): the stream path stopped`);
      break;
    }
  }
  const sweeper = rows.reduce((s, r) => s + r.sweeper, 0);
  const published = rows.reduce((s, r) => s + r.published, 0);
  if (published > 0 && sweeper / published > maxShare) problems.push(`the sweeper published ${sweeper} of ${published} rows (${pct(sweeper / published)}, more than ${pct(maxShare)})`);
  return { sweeper, published, ok: problems.length === 0, problems };
};

/**
 * `/proc/<pid>/stat`: pid, command name, state, parent, process group and CPU time used (user +
 * system, in clock ticks). The name may hold spaces and parentheses, so fields count from the last ')'.
 */
const parseStat = (text) => {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
};

/** Resident memory in KiB from `/proc/<pid>/status` (`VmRSS:  123456 kB`); null for a kernel thread or a zombie. */
const parseVmRssKiB = (text) => {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) : null;
};

/** `root` and every process below it, from `[{ pid, ppid }]`. */
const descendantsOf = (processes, root) => {
  const children = new Map();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    if (found.has(pid)) continue;
    found.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
};

/**
 * One line of a function's output as CloudWatch embedded metric format (what Powertools prints when
 * it flushes an invocation's metrics): `{ at, service, values: { <metric>: number[] } }`, or null for
 * any other line. A metric's value is a number or, when recorded several times, an array.
 */
const parseEmf = (line) => {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return null;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch {
    return null;
  }
  const aws = doc._aws;
  if (!aws || typeof aws.Timestamp !== 'number' || !Array.isArray(aws.CloudWatchMetrics)) return null;
  const values = {};
  for (const directive of aws.CloudWatchMetrics) {
    for (const { Name } of directive.Metrics ?? []) {
      const v = doc[Name];
      const list = (Array.isArray(v) ? v : [v]).filter((n) => typeof n === 'number');
      if (list.length) values[Name] = list;
    }
  }
  return { at: aws.Timestamp, service: typeof doc.service === 'string' ? doc.service : undefined, values };
};

/**
 * The sweeper's own line for a sweep that found rows the stream path had not published
 * (lib/platform/relay/sweeper.ts logs it at once, where its metric waits for the end of the invocation):
 * `{ at, service, recovered }`, or null for any other line.
 */
const parseSweeperRecovery = (line) => {
  if (!line.startsWith('{') || !line.includes('Sweeper recovered')) return null;
  try {
    const doc = JSON.parse(line);
    if (doc.message !== 'Sweeper recovered unpublished outbox records' || typeof doc.recovered !== 'number') return null;
    return { at: Date.parse(doc.timestamp), service: doc.service, recovered: doc.recovered };
  } catch {
    return null;
  }
};

const fmt = (n, digits = 0) => (n === null || n === undefined ? '-' : Number(n).toFixed(digits));
const pct = (ratio) => `${(ratio * 100).toFixed(1)} %`;

module.exports = { parseEmf, parseSweeperRecovery, warmupMinutes, percentile, leastSquares, growthVerdict, latencyVerdict, sweeperVerdict, parseStat, parseVmRssKiB, descendantsOf };
