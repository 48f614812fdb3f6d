'use strict';

/** Nearest-rank percentile of an ascending array. */
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);

/** { n, p50, p90, p99, max, mean } in whole milliseconds (nulls for an empty sample). */
const summarize = (values) => {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
  const round = (v) => (v === null ? null : Math.round(v));
  return { n: s.length, p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)), max: round(s.length ? s[s.length - 1] : null), mean: round(mean) };
};

module.exports = { percentile, summarize };
