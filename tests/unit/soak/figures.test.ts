/**
 * The soak run's pure figures: percentiles and trends, the rules that pass or fail a run (memory,
 * latency, sweeper), and reading /proc. The rules are what `npm run soak` judges a system by, so
 * each is shown both failing and passing on hand-made numbers.
 */
import { descendantsOf, growthVerdict, latencyVerdict, leastSquares, parseEmf, parseStat, parseSweeperRecovery, parseVmRssKiB, percentile, sweeperVerdict, warmupMinutes } from '../../../local/harness/soak/figures';

/** One RSS sample every 10 s from minute 0 to `endMin`, following `mib(tMin)`. */
const samplesOf = (endMin: number, mib: (tMin: number) => number) => Array.from({ length: endMin * 6 + 1 }, (_, i) => ({ tMin: i / 6, mib: mib(i / 6) }));
/** A minute of `n` saga latencies spread evenly from `low` to `high` ms. */
const aMinute = (low: number, high: number, n = 300) => ({ latencies: Array.from({ length: n }, (_, i) => Math.round(low + ((high - low) * i) / (n - 1))) });

describe('percentile and leastSquares', () => {
  it('takes the nearest rank, without reordering its input', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act
    const [p50, p99, p100] = [percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1)];

    // Assess
    expect([p50, p99, p100]).toEqual([50, 99, 100]);
    expect(values[0]).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('fits a line, and gives none without two distinct points in time', () => {
    // Act
    const fit = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));

    // Assess
    expect(fit?.slope).toBeCloseTo(2);
    expect(fit?.at(10)).toBeCloseTo(25);
    expect(leastSquares([{ x: 1, y: 1 }])).toBeNull();
    expect(leastSquares([{ x: 1, y: 1 }, { x: 1, y: 3 }])).toBeNull();
  });
});

describe('growthVerdict: resident memory after the warm-up', () => {
  it('waits 3 minutes, or a third of a long run', () => {
    // Assess
    expect([warmupMinutes(2), warmupMinutes(4), warmupMinutes(30)]).toEqual([3, 3, 10]);
  });

  it('fails a process that keeps growing: 300 MiB rising 5 MiB a minute over 30 minutes', () => {
    // Prepare
    const samples = samplesOf(30, (t) => 300 + 5 * t);

    // Act
    const verdict = growthVerdict(samples, { warmupMin: 10, endMin: 30 });

    // Assess
    expect(verdict).toMatchObject({ judged: true, grew: true });
    expect(verdict.fromMiB).toBeCloseTo(350);
    expect(verdict.toMiB).toBeCloseTo(450);
    expect(verdict.reason).toMatch(/still rising 5\.0 MiB\/min/);
  });

  it('passes a heap that stepped up once and then stayed flat', () => {
    // Prepare
    const samples = samplesOf(30, (t) => (t < 12 ? 300 : 500));

    // Act
    const verdict = growthVerdict(samples, { warmupMin: 10, endMin: 30 });

    // Assess
    expect(verdict.ratio).toBeGreaterThan(0.2);
    expect(verdict).toMatchObject({ judged: true, grew: false });
    expect(verdict.slopeLastHalfPerMin).toBeCloseTo(0);
  });

  it('passes a garbage-collected sawtooth around a flat level', () => {
    // Prepare
    const samples = samplesOf(30, (t) => 400 + 60 * ((t * 2) % 1));

    // Act
    const verdict = growthVerdict(samples, { warmupMin: 10, endMin: 30 });

    // Assess
    expect(verdict).toMatchObject({ judged: true, grew: false });
  });

  it('passes growth under 20 % of the level, and under 8 MiB for a small process', () => {
    // Prepare
    const slow = samplesOf(30, (t) => 500 + 2 * t);
    const small = samplesOf(30, (t) => 10 + 0.3 * t);

    // Act
    const verdicts = [growthVerdict(slow, { warmupMin: 10, endMin: 30 }), growthVerdict(small, { warmupMin: 10, endMin: 30 })];

    // Assess
    expect(verdicts.map((v) => v.grew)).toEqual([false, false]);
    expect(verdicts[1].ratio).toBeGreaterThan(0.2);
  });

  it('passes a healthy 4-minute run whose last minute climbs a garbage-collection cycle (measured)', () => {
    // Prepare: serverless offline's RSS every 10 s in a 4-minute soak, rising again after a collection.
    const measured = [285, 366, 440, 481, 519, 557, 574, 610, 642, 650, 650, 651, 651, 560, 517, 517, 518, 518, 517, 518, 518, 552, 587, 630, 645];
    const samples = measured.map((mib, i) => ({ tMin: i / 6, mib }));

    // Act
    const verdict = growthVerdict(samples, { warmupMin: 3, endMin: 4 });

    // Assess
    expect(verdict.judged).toBe(true);
    expect(verdict.slopeLastHalfPerMin).toBeGreaterThan(100);
    expect(verdict.grew).toBe(false);
  });

  it('judges a 4-minute run on its last minute, and does not judge one shorter than the warm-up', () => {
    // Prepare
    const leak = samplesOf(4, (t) => 100 + 100 * t);

    // Act
    const four = growthVerdict(leak, { warmupMin: warmupMinutes(4), endMin: 4 });
    const two = growthVerdict(samplesOf(2, (t) => 100 + 100 * t), { warmupMin: warmupMinutes(2), endMin: 2 });

    // Assess
    expect(four).toMatchObject({ judged: true, grew: true });
    expect(two).toMatchObject({ judged: false, grew: false, firstMiB: 100, lastMiB: 300 });
    expect(two.reason).toMatch(/not judged/);
  });
});

describe('latencyVerdict: the last minute against the first steady ones', () => {
  it('does not judge fewer than 3 minutes', () => {
    // Act
    const verdict = latencyVerdict([aMinute(100, 3000), aMinute(80, 400)]);

    // Assess
    expect(verdict).toMatchObject({ judged: false, level: 'ok' });
  });

  it('leaves out the cold first minute and passes a steady run', () => {
    // Act
    const verdict = latencyVerdict([aMinute(100, 5000), aMinute(80, 400), aMinute(80, 400), aMinute(90, 450)]);

    // Assess
    expect(verdict).toMatchObject({ judged: true, level: 'ok', reference: { p50: 239, p99: 397 } });
  });

  it('warns when the p99 doubled, which noise on a shared machine can do', () => {
    // Act
    const verdict = latencyVerdict([aMinute(100, 5000), aMinute(80, 400), aMinute(80, 400), aMinute(80, 900)]);

    // Assess
    expect(verdict.level).toBe('warn');
  });

  it('fails when the last minute is four times slower and a second more: a backlog', () => {
    // Act
    const verdict = latencyVerdict([aMinute(100, 5000), aMinute(80, 400), aMinute(80, 400), aMinute(1500, 4000)]);

    // Assess
    expect(verdict.level).toBe('fail');
    expect(verdict.reason).toMatch(/last minute p50 \d+ \/ p99 \d+ ms/);
  });
});

describe('sweeperVerdict: the stream path must never silently stop', () => {
  const rows = (sweeper: number[]) => sweeper.map((n, i) => ({ label: String(i + 1), sweeper: n, published: 1300 }));

  it('passes no recovery at all, and an isolated one after a stall', () => {
    // Act
    const verdicts = [sweeperVerdict(rows([0, 0, 0, 0])), sweeperVerdict(rows([0, 4, 0, 0]))];

    // Assess
    expect(verdicts.map((v) => v.ok)).toEqual([true, true]);
    expect(verdicts[1]).toMatchObject({ sweeper: 4, published: 5200 });
  });

  it('fails recoveries in two consecutive minutes, the settle phase included', () => {
    // Prepare
    const withSettle = [...rows([0, 0, 0, 3]), { label: 's1', sweeper: 40, published: 200 }];

    // Act
    const verdict = sweeperVerdict(withSettle);

    // Assess
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatch(/consecutive minutes 4 and s1/);
  });

  it('fails when the sweeper published more than 1 % of the rows', () => {
    // Act
    const verdict = sweeperVerdict(rows([0, 60, 0, 0]));

    // Assess
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([expect.stringMatching(/60 of 5200 rows \(1\.2 %/)]);
  });
});

describe('/proc parsing', () => {
  it('reads pid, name, parent, group and CPU ticks from a stat line whose name holds spaces and parentheses', () => {
    // Prepare
    const line = '4242 (node (worker) 1) S 4200 4200 4200 0 -1 4194560 1234 0 0 0 10 5 0 0 20 0 11 0';

    // Act
    const stat = parseStat(line);

    // Assess
    expect(stat).toEqual({ pid: 4242, comm: 'node (worker) 1', state: 'S', ppid: 4200, pgrp: 4200, cpuTicks: 15 });
    expect(parseStat('garbage')).toBeNull();
  });

  it('reads VmRSS in KiB, and none for a process without resident memory', () => {
    // Prepare
    const status = 'Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 9000000 kB\nVmRSS:\t  287412 kB\nRssAnon:\t  250000 kB\n';

    // Act
    const kib = parseVmRssKiB(status);

    // Assess
    expect(kib).toBe(287412);
    expect(parseVmRssKiB('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeNull();
  });

  it('finds every process below a root, and nothing beside it', () => {
    // Prepare
    const processes = [
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      { pid: 12, ppid: 11 },
      { pid: 13, ppid: 10 },
      { pid: 20, ppid: 1 },
    ];

    // Act
    const found = descendantsOf(processes, 10);

    // Assess
    expect([...found].sort()).toEqual([10, 11, 12, 13]);
  });
});

describe('parseEmf: the metrics a function prints', () => {
  it('reads every metric of a Powertools flush, single values and arrays alike, with its time and service', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: { Timestamp: 1_764_000_000_000, CloudWatchMetrics: [{ Namespace: 'order-saga', Dimensions: [['service']], Metrics: [{ Name: 'OutboxRecordsRecovered', Unit: 'Count' }, { Name: 'OutboxOldestUnpublishedAge', Unit: 'Milliseconds' }] }] },
      service: 'payments',
      OutboxRecordsRecovered: 3,
      OutboxOldestUnpublishedAge: [0, 7200, 0, 0],
    });

    // Act
    const emf = parseEmf(line);

    // Assess
    expect(emf).toEqual({ at: 1_764_000_000_000, service: 'payments', values: { OutboxRecordsRecovered: [3], OutboxOldestUnpublishedAge: [0, 7200, 0, 0] } });
  });

  it('ignores log lines, broken JSON and JSON that is not a metric flush', () => {
    // Assess
    expect(parseEmf('{"level":"WARN","message":"Sweeper recovered unpublished outbox records","recovered":3}')).toBeNull();
    expect(parseEmf('{"_aws": {"Timestamp": 1')).toBeNull();
    expect(parseEmf('POST /orders (λ: createOrder)')).toBeNull();
    expect(parseEmf('{"_aws":{"CloudWatchMetrics":[]}}')).toBeNull();
  });
});

describe('parseSweeperRecovery: the sweeper saying it had to publish rows', () => {
  it('reads when, which outbox and how many rows from the line a sweep logs', () => {
    // Prepare: as the orders outbox's sweeper logged it in a soak.
    const line =
      '{"level":"WARN","message":"Sweeper recovered unpublished outbox records","timestamp":"2026-11-26T13:52:17.277Z","service":"orders-outbox","cold_start":false,"function_name":"order-saga-soak-ordersOutboxSweeper","sampling_rate":0,"found":7,"recovered":7,"failed":0,"unpublishable":0,"complete":true}';

    // Act
    const recovery = parseSweeperRecovery(line);

    // Assess
    expect(recovery).toEqual({ at: Date.parse('2026-11-26T13:52:17.277Z'), service: 'orders-outbox', recovered: 7 });
  });

  it('ignores every other line', () => {
    // Assess
    expect(parseSweeperRecovery('{"level":"ERROR","message":"Invocation failed","timestamp":"2026-11-26T13:36:20.312Z"}')).toBeNull();
    expect(parseSweeperRecovery('Sweeper recovered 3 rows')).toBeNull();
    expect(parseSweeperRecovery('{"message":"Sweeper recovered unpublished outbox records"')).toBeNull();
  });
});
