'use strict';
/** The command-line options every local run reads the same way: `--name value` and `--flag`. */

/** `--name value` from the command line, or `fallback` (also when the value is missing). */
const option = (name, fallback, args = process.argv.slice(2)) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

/** True when `--name` is on the command line. */
const flag = (name, args = process.argv.slice(2)) => args.includes(`--${name}`);

module.exports = { option, flag };
