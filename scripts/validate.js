'use strict';
/**
 * `npm run validate [-- --stage prod]`: packages the stack for a stage without AWS credentials,
 * prints each function's zip size (and fails over MAX_ZIP_BYTES), and lints the CloudFormation
 * template with cfn-lint. Fails on any cfn-lint error; warnings are printed (the ones we accept are
 * explained in docs/operations.md, "Deploy per stage").
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** A bundle this big has pulled in something it should not (or source maps): cold starts pay for every byte. */
const MAX_ZIP_BYTES = 1024 * 1024;
const { packageTemplate } = require('../local/emulator/package-template');

const i = process.argv.indexOf('--stage');
const stage = i > 0 ? process.argv[i + 1] : 'dev';

const lint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (lint.error) {
  console.error('cfn-lint is not installed. Install it with `pipx install cfn-lint` (or `pip install cfn-lint`), then run again.');
  process.exit(1);
}

const main = async () => {
  console.log(`Packaging stage ${stage} ...`);
  let file;
  try {
    ({ file } = await packageTemplate(stage));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const folder = path.dirname(file);
  const zips = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.zip'))
    .map((f) => ({ name: f.replace(/\.zip$/, ''), bytes: fs.statSync(path.join(folder, f)).size }))
    .sort((a, b) => b.bytes - a.bytes);
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  for (const z of zips) console.log(`  ${z.name.padEnd(28)} ${kib(z.bytes).padStart(9)}${z.bytes > MAX_ZIP_BYTES ? '  over 1 MiB' : ''}`);
  const over = zips.filter((z) => z.bytes > MAX_ZIP_BYTES);
  if (!zips.length || over.length) {
    console.error(zips.length ? `${over.length} function zip(s) over ${kib(MAX_ZIP_BYTES)}: ${over.map((z) => z.name).join(', ')}` : `no function zips in ${folder}`);
    process.exit(1);
  }
  console.log(`Linting ${file} with ${lint.stdout.trim()} ...`);
  const result = spawnSync('cfn-lint', ['--regions', 'us-east-1', '--', file], { encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
  if (result.status === null || result.status & 2 || result.status & 1) {
    console.error(`cfn-lint found errors in the ${stage} template.`);
    process.exit(1);
  }
  console.log(`${stage}: no cfn-lint errors${result.status & 4 ? ' (warnings above are explained in docs/operations.md)' : ''}.`);
};

void main();
