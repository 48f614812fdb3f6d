'use strict';
/** Invoking a function of a running local stack through serverless offline's Lambda endpoint. */

/** Invokes `functionName` (the full name, `order-saga-<stage>-<key>`) with `payload`; returns the response text, throws on an error status. */
const invokeFunction = async ({ port, functionName, payload = {} }) => {
  const res = await fetch(`http://127.0.0.1:${port}/2015-03-31/functions/${functionName}/invocations`, { method: 'POST', body: JSON.stringify(payload) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`invoke ${functionName}: ${res.status} ${text}`);
  return text;
};

/** serverless offline's line after each invocation: `(λ: key) RequestId: … Duration: … ms  Billed Duration: … ms`. */
const INVOCATION = /\(λ: (\w+)\) RequestId: \S+\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms/g;

/** Invocations per function key, with their billed milliseconds, in a piece of the stack's log. */
const invocationsIn = (text) => {
  const byFunction = {};
  for (const m of text.matchAll(INVOCATION)) {
    const f = (byFunction[m[1]] ??= { count: 0, billedMs: 0 });
    f.count += 1;
    f.billedMs += Number(m[3]);
  }
  return byFunction;
};

module.exports = { invokeFunction, invocationsIn };
