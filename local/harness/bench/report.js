'use strict';
/** The Markdown summary and the SVG chart of a benchmark result (no front-end build: plain SVG). */

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmtMs = (v) => (v === null || v === undefined ? '–' : v >= 10000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);

/** Two panels: saga latency distribution (CDF, log scale) of both designs; p50/p99 against offered rate. */
const chartSvg = (result) => {
  const W = 980;
  const H = 420;
  const panel = { w: 420, h: 300, top: 60 };
  const left1 = 70;
  const left2 = 550;
  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(`Order saga, POST → CONFIRMED (${result.machine.cpus} cores, ${result.startedAt.slice(0, 10)})`)}</text>`);

  // Panel 1: CDF on a log axis from 10 ms to 200 s.
  const minLog = 1;
  const maxLog = Math.log10(200000);
  const x1 = (ms) => left1 + ((Math.log10(Math.max(10, ms)) - minLog) / (maxLog - minLog)) * panel.w;
  const y1 = (q) => panel.top + panel.h - q * panel.h;
  parts.push(`<text x="${left1 + panel.w / 2}" y="46" text-anchor="middle" font-weight="bold">Latency distribution (share of sagas done by time t)</text>`);
  parts.push(`<rect x="${left1}" y="${panel.top}" width="${panel.w}" height="${panel.h}" fill="none" stroke="#999"/>`);
  for (const t of [10, 100, 1000, 10000, 100000]) {
    parts.push(`<line x1="${x1(t)}" y1="${panel.top}" x2="${x1(t)}" y2="${panel.top + panel.h}" stroke="#eee"/>`);
    parts.push(`<text x="${x1(t)}" y="${panel.top + panel.h + 16}" text-anchor="middle">${fmtMs(t)}</text>`);
  }
  for (const q of [0, 0.5, 0.9, 0.99, 1]) {
    parts.push(`<line x1="${left1}" y1="${y1(q)}" x2="${left1 + panel.w}" y2="${y1(q)}" stroke="#eee"/>`);
    parts.push(`<text x="${left1 - 6}" y="${y1(q) + 4}" text-anchor="end">${q * 100}%</text>`);
  }
  parts.push(`<text x="${left1 + panel.w / 2}" y="${panel.top + panel.h + 34}" text-anchor="middle">t (log scale)</text>`);
  const colors = { streams: '#1f77b4', polling: '#d62728' };
  let legendY = panel.top + 14;
  for (const [name, design] of Object.entries(result.designs)) {
    const samples = design.sagaSamplesMs || [];
    if (!samples.length) continue;
    const sorted = [...samples].sort((a, b) => a - b);
    const points = sorted.map((v, i) => `${x1(v).toFixed(1)},${y1((i + 1) / sorted.length).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colors[name] || '#333'}" stroke-width="2" points="${x1(sorted[0]).toFixed(1)},${y1(0)} ${points.join(' ')}"/>`);
    parts.push(`<text x="${left1 + 8}" y="${legendY}" fill="${colors[name] || '#333'}">${esc(`${name}: ${design.rate}/s, n=${sorted.length}, p50 ${fmtMs(design.sagaMs.p50)}, p99 ${fmtMs(design.sagaMs.p99)}`)}</text>`);
    legendY += 16;
  }

  // Panel 2: p50 and p99 against offered rate (streams design), 1 s target line.
  const steps = result.rateSteps || [];
  const maxRate = Math.max(10, ...steps.map((s) => s.rate)) * 1.1;
  const maxMs = Math.min(20000, Math.max(1200, ...steps.map((s) => s.sagaMs.p99 || 0)) * 1.1);
  const x2 = (r) => left2 + (r / maxRate) * panel.w;
  const y2 = (ms) => panel.top + panel.h - (Math.min(ms, maxMs) / maxMs) * panel.h;
  parts.push(`<text x="${left2 + panel.w / 2}" y="46" text-anchor="middle" font-weight="bold">Streams design: latency against offered rate</text>`);
  parts.push(`<rect x="${left2}" y="${panel.top}" width="${panel.w}" height="${panel.h}" fill="none" stroke="#999"/>`);
  const rateTicks = Math.ceil(maxRate / 10);
  for (let i = 0; i <= rateTicks; i += 1) {
    const r = i * 10;
    if (r > maxRate) break;
    parts.push(`<text x="${x2(r)}" y="${panel.top + panel.h + 16}" text-anchor="middle">${r}</text>`);
  }
  parts.push(`<text x="${left2 + panel.w / 2}" y="${panel.top + panel.h + 34}" text-anchor="middle">offered sagas per second</text>`);
  const msStep = maxMs > 5000 ? 2000 : maxMs > 2000 ? 500 : 200;
  for (let ms = 0; ms <= maxMs; ms += msStep) {
    parts.push(`<line x1="${left2}" y1="${y2(ms)}" x2="${left2 + panel.w}" y2="${y2(ms)}" stroke="#eee"/>`);
    parts.push(`<text x="${left2 - 6}" y="${y2(ms) + 4}" text-anchor="end">${fmtMs(ms)}</text>`);
  }
  parts.push(`<line x1="${left2}" y1="${y2(1000)}" x2="${left2 + panel.w}" y2="${y2(1000)}" stroke="#999" stroke-dasharray="5,4"/>`);
  parts.push(`<text x="${left2 + panel.w - 4}" y="${y2(1000) - 4}" text-anchor="end" fill="#666">p99 target 1 s</text>`);
  for (const [key, color, label] of [['p50', '#1f77b4', 'p50'], ['p99', '#ff7f0e', 'p99']]) {
    const pts = steps.map((s) => [x2(s.rate), y2(s.sagaMs[key] || 0)]);
    if (!pts.length) continue;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => p.map((v) => v.toFixed(1)).join(',')).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${left2 + 8}" y="${panel.top + (key === 'p50' ? 14 : 30)}" fill="${color}">${label}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle" fill="#666">${esc(`npm run bench${result.quick ? ' -- --quick' : ''}; DynamoDB Local + serverless offline on one machine`)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
};

const row = (cells) => `| ${cells.join(' | ')} |`;
const lat = (s) => (s ? [fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max)] : ['–', '–', '–', '–']);

const markdownSummary = (r) => {
  const lines = [];
  lines.push(`# Benchmark ${r.startedAt}${r.quick ? ' (quick)' : ''}`);
  lines.push('');
  lines.push(`Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.platform}. Command: \`${r.command}\`.`);
  lines.push('Times are from the records the system writes (order createdAt → CONFIRMED, outbox createdAt → publishedAt, publishedAt → consumer marker startedAt), one host, one clock.');
  lines.push('');
  lines.push('## Designs side by side');
  lines.push('');
  lines.push(row(['design', 'offered', 'sagas', 'saga p50', 'p90', 'p99', 'max', 'outbox lag p50', 'p99', 'delivery lag p50', 'p99']));
  lines.push(row(Array(11).fill('---')));
  for (const [name, d] of Object.entries(r.designs)) {
    lines.push(row([name, `${d.rate}/s`, d.orders, ...lat(d.sagaMs), fmtMs(d.outboxLagMs.p50), fmtMs(d.outboxLagMs.p99), fmtMs(d.deliveryLagMs.p50), fmtMs(d.deliveryLagMs.p99)]));
  }
  if (r.ratio) lines.push('', `Polling ÷ streams: ×${r.ratio.p50} at the median, ×${r.ratio.p99} at p99.`);
  if (r.rateSteps && r.rateSteps.length) {
    lines.push('', '## Streams design against offered rate', '');
    lines.push(row(['offered', 'duration', 'sagas', 'p50', 'p90', 'p99', 'max', 'outbox lag p50', 'p99', 'invariants']));
    lines.push(row(Array(10).fill('---')));
    for (const s of r.rateSteps) lines.push(row([`${s.rate}/s`, `${s.seconds} s`, s.orders, ...lat(s.sagaMs), fmtMs(s.outboxLagMs.p50), fmtMs(s.outboxLagMs.p99), s.invariantViolations.length ? s.invariantViolations.join('; ') : 'ok']));
  }
  if (r.throughput) {
    const t = r.throughput;
    lines.push('', t.sustainedSagasPerSecond === null ? `**Throughput:** ${t.note}.` : `**Throughput:** ${t.sustainedSagasPerSecond} sagas/s sustained for ${t.seconds} s with p99 ${fmtMs(t.p99Ms)} (≤ ${fmtMs(t.p99LimitMs)}, 3 × the idle p50; p50 ${fmtMs(t.p50Ms)}) and ${t.invariantViolations} invariant violations${t.note ? ` (${t.note})` : ''}.`);
  }
  if (r.idle) {
    lines.push('', `**Idle stack:** ${r.idleCpuPercent} % of one core over ${r.idle.seconds} s (DynamoDB Local ${r.idle.javaCpuPercent} %, serverless offline ${r.idle.nodeCpuPercent} %), ${r.idle.rssMiB} MiB resident. Single order on an idle stack: p50 ${fmtMs(r.idleSingleOrderMs.p50)}, p90 ${fmtMs(r.idleSingleOrderMs.p90)} (n = ${r.idleSingleOrderMs.n}).${r.floor ? ` Floor of one hop (commit → stream → PutEvents → consumer start): p50 ${fmtMs(r.floor.hopMs)}; ${r.floor.hopsPerSaga} hops a saga, so the saga's own work adds ${fmtMs(r.floor.overheadMs)} over them.` : ''}`);
  }
  if (r.cost) {
    const c = r.cost;
    lines.push('', `## Cost (AWS list prices ${c.prices.region}, ${c.prices.asOf})`, '');
    lines.push(row(['design', 'WRU/saga', 'RRU/saga', 'PutEvents calls/saga', 'entries/saga', 'invocations/saga', 'GB-s/saga', '$ per million sagas', 'idle $ per month']));
    lines.push(row(Array(9).fill('---')));
    for (const [name, d] of Object.entries(c.designs)) {
      const u = d.perSaga;
      lines.push(row([name, u.writeUnits, u.readUnits, u.putEventsCalls, u.putEventsEntries, u.invocations, u.gbSeconds, `$${d.perMillionSagas.total}`, `$${d.idlePerMonth.total}`]));
    }
    lines.push('', 'Per million sagas, itemised:', '');
    for (const [name, d] of Object.entries(c.designs)) lines.push(`- ${name}: ${Object.entries(d.perMillionSagas).map(([k, v]) => `${k} $${v}`).join(', ')}`);
    lines.push('', 'Idle per month, itemised (schedules at zero orders):', '');
    for (const [name, d] of Object.entries(c.designs)) lines.push(`- ${name}: ${Object.entries(d.idlePerMonth).map(([k, v]) => `${k} $${v}`).join(', ')}`);
    if (c.notes) lines.push('', ...c.notes.map((n) => `- ${n}`));
  }
  lines.push('', '![chart](latest.svg)', '');
  return lines.join('\n');
};

/** The flash sale's figures, both runs side by side. */
const flashSaleSummary = (r) => {
  const f = r.flashSale;
  const rows = [
    ['orders (quantity 1, one customer each)', (x) => x.orders],
    ['stock, over shards', (x) => `${x.stock} over ${x.shards}`],
    ['requests on hot items conflicting', (x) => `${Math.round(x.conflictRate * 100)} %`],
    ['orders accepted per second', (x) => x.acceptedPerSecond],
    ['confirmed / units sold / oversold', (x) => `${x.confirmed} / ${x.sold} / ${x.oversold}`],
    ['cancelled (out of stock)', (x) => `${x.cancelled} (${x.cancelledOutOfStock})`],
    ['unsettled at the deadline', (x) => x.unsettled],
    ['settled p50 / p99 (ms)', (x) => `${x.settledMs.p50} / ${x.settledMs.p99}`],
    ['conflicts injected per saga', (x) => x.conflictsPerSaga],
    ['handler re-runs per saga', (x) => x.rerunsPerSaga],
    ['failure-destination entries', (x) => x.failureDestination],
    ['invariant violations (npm run verify)', (x) => x.violations],
  ];
  return [
    `# Flash sale (${r.startedAt}, ${r.machine.cpus} cores, ${r.machine.node})`,
    '',
    `\`${r.command}\``,
    '',
    '| | without contention | with contention |',
    '|---|---|---|',
    ...rows.map(([label, get]) => `| ${label} | ${get(f.baseline)} | ${get(f)} |`),
    '',
  ].join('\n');
};

module.exports = { chartSvg, markdownSummary, flashSaleSummary };
