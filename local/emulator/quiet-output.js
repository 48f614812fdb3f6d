'use strict';
/**
 * `npm start` output without the noise of the tools under it: serverless' configuration warning
 * that its schema does not know the `nodejs22.x` runtime (it packages it anyway), and
 * serverless-offline's listing of its internal Lambda invoke routes (the "Function names exposed"
 * list and the `/2015-03-31/functions/...` lines of its route box). Everything else passes.
 */
const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const plain = (line) => line.replace(ANSI, '');

const createLineFilter = () => {
  let warning; // lines of a configuration warning being read, undefined outside one
  let inFunctionList = false;
  /** @param {string} line @returns {string[]} the lines to print for it (none, it, or a held-back block) */
  return (line) => {
    const text = plain(line);
    if (warning) {
      warning.push(line);
      if (!/^Learn more about configuration validation/.test(text)) return [];
      const block = warning;
      warning = undefined;
      const details = block.map(plain).filter((l) => /^\s+at '/.test(l));
      const onlyRuntime = details.length > 0 && details.every((l) => /at 'provider\.runtime'/.test(l));
      return onlyRuntime ? [] : block;
    }
    if (/^Warning: Invalid configuration encountered/.test(text)) {
      warning = [line];
      return [];
    }
    if (/^Function names exposed for local invocation/.test(text)) {
      inFunctionList = true;
      return [];
    }
    if (inFunctionList) {
      if (/^\s+\* \S+: \S+/.test(text)) return [];
      inFunctionList = false;
    }
    if (/\/2015-03-31\/functions\//.test(text)) return [];
    // The route box wraps a long invoke route: its method is left alone on the line before.
    if (/^│\s+POST \|\s+│$/.test(text)) return [];
    return [line];
  };
};

/** Pipes a child's output stream to `out`, line by line, through the filter. */
const pipeQuietly = (stream, out) => {
  const filter = createLineFilter();
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    const kept = lines.flatMap(filter);
    if (kept.length) out.write(`${kept.join('\n')}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`${filter(rest).join('\n')}\n`);
  });
};

module.exports = { createLineFilter, pipeQuietly };
